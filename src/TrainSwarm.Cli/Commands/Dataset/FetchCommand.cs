using System.CommandLine;
using TrainSwarm.Cli.Commands.Dataset.Shared;
using TrainSwarm.Learning.Data;

namespace TrainSwarm.Cli.Commands.Dataset;

/// <summary>
/// `swarm dataset fetch NAME`: resolves a catalog dataset on this machine, every file digest-checked: a directory you give,
/// then the known install paths, then the cache, and only then a download from the source (or a mirror) into the cache.
/// </summary>
internal static class FetchCommand
{
    /// <summary>The `fetch` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The catalog dataset (swarm dataset catalog lists them)" };
        name.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (DatasetCatalog.Find(value) is null)
                r.AddError($"unknown dataset '{value}'; known: {string.Join(", ", DatasetCatalog.All.Select(e => e.Name))}");
        });
        var path = new Option<string?>("--path") { Description = "Check your own copy in this directory instead (it must hold every file)" };
        var cache = new Option<string?>("--cache") { Description = $"The cache root (default {DatasetLocator.DefaultCacheRoot})" };
        var noDownload = new Option<bool>("--no-download") { Description = "Only look on this machine; fail rather than download" };
        var mirror = new Option<string?>("--mirror") { Description = "Download from this base URL instead of the source (files are checked the same)" };
        mirror.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string?>();
            if (value is not null && !CommandContext.IsHttpUrl(value))
                r.AddError($"--mirror '{value}' is not an http(s) URL");
        });
        var json = context.JsonOption();
        var command = new Command("fetch", "Find a catalog dataset on this machine, or download it, checking every file's digest.\n"
            + "Example: swarm dataset fetch mnist") { name, path, cache, noDownload, mirror, json };
        command.SetAction(async (parse, cancellation) =>
        {
            var entry = DatasetCatalog.Get(parse.GetValue(name)!);
            if (parse.GetValue(mirror) is { } url)
                entry = entry with { DownloadBase = new Uri(url.EndsWith('/') ? url : url + "/") };
            bool asJson = parse.GetValue(json);
            var locator = new DatasetLocator(parse.GetValue(cache), log: asJson ? null : context.WriteLine);
            var fetched = await DatasetFetch.RunAsync(locator, entry, parse.GetValue(path), !parse.GetValue(noDownload), cancellation);
            context.Output(fetched, asJson, f =>
            {
                context.WriteLine($"{f.Name}: {f.Directory} ({f.Source})");
                foreach (var file in f.Files)
                    context.WriteLine($"  {file.File}  {file.Digest}");
            });
            return SwarmApp.Success;
        });
        return command;
    }
}
