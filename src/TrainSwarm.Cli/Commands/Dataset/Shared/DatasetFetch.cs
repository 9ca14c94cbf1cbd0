using TrainSwarm.Learning.Data;

namespace TrainSwarm.Cli.Commands.Dataset.Shared;

/// <summary>One checked file of a fetched dataset: its name and the digest it was checked against.</summary>
public sealed record FetchedFile(string File, string Digest);

/// <summary>What `swarm dataset fetch` found: where the files are and how they got there (path, installed, cache, downloaded).</summary>
public sealed record FetchedDataset(string Name, string Directory, string Source, IReadOnlyList<FetchedFile> Files);

/// <summary>Runs a fetch through the locator and turns its failures into one-line CLI errors.</summary>
internal static class DatasetFetch
{
    /// <summary>Locates (or downloads) <paramref name="entry"/>; a missing, wrong or unreachable file is a <see cref="CliException"/>.</summary>
    public static async Task<FetchedDataset> RunAsync(
        DatasetLocator locator, DatasetEntry entry, string? userPath, bool allowDownload, CancellationToken cancellation)
    {
        var cacheDir = Path.Combine(locator.CacheRoot, entry.Name);
        // Whether the cache was complete before: then a directory in the cache was found there, not downloaded.
        bool cachedBefore = entry.Files.All(f => File.Exists(Path.Combine(cacheDir, f.FileName)));
        string dir;
        try
        {
            // A cached copy is used as it is; the locator downloads only what is missing or wrong.
            dir = await locator.LocateAsync(entry, userPath, allowDownload: false, cancellation).ConfigureAwait(false);
        }
        catch (FileNotFoundException) when (allowDownload && userPath is null)
        {
            dir = await DownloadAsync(locator, entry, cancellation).ConfigureAwait(false);
            cachedBefore = false;
        }
        catch (Exception e) when (e is FileNotFoundException or DataFormatException or DirectoryNotFoundException)
        {
            throw new CliException($"cannot fetch {entry.Name}: {e.Message}");
        }
        var source = userPath is not null ? "your path"
            : !string.Equals(dir, Path.GetFullPath(cacheDir), StringComparison.Ordinal) ? "installed"
            : cachedBefore ? "cache" : "downloaded";
        return new FetchedDataset(entry.Name, dir, source, [.. entry.Files.Select(f => new FetchedFile(f.FileName, f.Expected))]);
    }

    private static async Task<string> DownloadAsync(DatasetLocator locator, DatasetEntry entry, CancellationToken cancellation)
    {
        try
        {
            return await locator.LocateAsync(entry, null, allowDownload: true, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or DataFormatException or IOException or InvalidOperationException)
        {
            throw new CliException($"cannot fetch {entry.Name}: {e.Message}");
        }
    }
}
