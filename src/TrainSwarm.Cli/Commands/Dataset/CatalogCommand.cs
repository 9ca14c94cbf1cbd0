using System.CommandLine;
using TrainSwarm.Cli.Commands.Dataset.Shared;
using TrainSwarm.Learning.Data;

namespace TrainSwarm.Cli.Commands.Dataset;

/// <summary>One catalog entry as `swarm dataset catalog` shows it.</summary>
public sealed record CatalogRow(
    string Name, IReadOnlyList<int> InputShape, int Classes, int TrainSamples, int TestSamples, string Layout, string? Source,
    string DigestSource, IReadOnlyList<FetchedFile> Files);

/// <summary>`swarm dataset catalog`: the named datasets, their shapes, sources, digests and where the digests come from.</summary>
internal static class CatalogCommand
{
    /// <summary>The `catalog` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var json = context.JsonOption();
        var command = new Command("catalog", "List the named datasets: shape, classes, source URL, digests and how they were checked.\n"
            + "Example: swarm dataset catalog") { json };
        command.SetAction(parse =>
        {
            var rows = DatasetCatalog.All.Select(e => new CatalogRow(e.Name, e.InputShape, e.Classes, e.TrainSamples, e.TestSamples, e.Layout.ToString(),
                e.DownloadBase?.ToString(), e.DigestSource, [.. e.Files.Select(f => new FetchedFile(f.FileName, f.Expected))])).ToList();
            context.Output(rows, parse.GetValue(json), list =>
            {
                foreach (var r in list)
                {
                    var shape = string.Join('x', r.InputShape);
                    context.WriteLine($"{r.Name,-16} {shape,-8} {r.Classes,3} classes  {r.TrainSamples,7} train {r.TestSamples,6} test  "
                        + $"{r.Layout,-11}  {r.Source}");
                    context.WriteLine($"  digests: {r.DigestSource}");
                }
            });
            return SwarmApp.Success;
        });
        return command;
    }
}
