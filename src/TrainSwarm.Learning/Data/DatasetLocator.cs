using System.Collections.Concurrent;

namespace TrainSwarm.Learning.Data;

/// <summary>
/// Resolves a named dataset to a directory holding all its files, each checked against the catalog's SHA-256:
/// a path the user gives, then known install paths, then the cache (~/.trainswarm/datasets/&lt;name&gt;/), and
/// only if the caller allows it, a download from upstream into the cache.
/// </summary>
public sealed partial class DatasetLocator
{
    private readonly IReadOnlyList<string>? _installPaths;
    private readonly HttpClient? _http;
    private readonly Action<string>? _log;

    // Digests already checked, keyed by path, length and write time: hashing 30 MB on every lookup adds up.
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), FileDigest> _verified = new();

    /// <summary>Creates a locator.</summary>
    /// <param name="cacheRoot">Where downloads go; defaults to <see cref="DefaultCacheRoot"/>.</param>
    /// <param name="installPaths">Replaces every entry's install paths when given (tests pass an empty list).</param>
    /// <param name="http">The client downloads use; a private one is created per download when null.</param>
    /// <param name="log">Receives one line per download, for progress output.</param>
    public DatasetLocator(string? cacheRoot = null, IReadOnlyList<string>? installPaths = null, HttpClient? http = null, Action<string>? log = null)
    {
        CacheRoot = Path.GetFullPath(cacheRoot ?? DefaultCacheRoot);
        _installPaths = installPaths;
        _http = http;
        _log = log;
    }

    /// <summary>~/.trainswarm/datasets: the per-user dataset cache.</summary>
    public static string DefaultCacheRoot =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".trainswarm", "datasets");

    /// <summary>The root of the cache; each dataset gets a subdirectory named after it.</summary>
    public string CacheRoot { get; }

    /// <summary>
    /// Resolves the catalog dataset called <paramref name="name"/>; see
    /// <see cref="LocateAsync(DatasetEntry, string?, bool, CancellationToken)"/>.
    /// </summary>
    public Task<string> LocateAsync(string name, string? userPath = null, bool allowDownload = false, CancellationToken cancellationToken = default) =>
        LocateAsync(DatasetCatalog.Get(name), userPath, allowDownload, cancellationToken);

    /// <summary>
    /// The directory holding every file of <paramref name="entry"/> with the right digest. A user path that lacks
    /// a file or holds a wrong one is an error, not skipped: the user asked for that copy.
    /// </summary>
    public async Task<string> LocateAsync(
        DatasetEntry entry, string? userPath = null, bool allowDownload = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (userPath is not null)
        {
            string dir = Path.GetFullPath(userPath);
            string[] missing = Missing(entry, dir);
            if (missing.Length > 0)
            {
                throw new FileNotFoundException($"dataset '{entry.Name}': {dir} lacks {string.Join(", ", missing)}");
            }
            VerifyAll(entry, dir);
            return dir;
        }

        foreach (string install in _installPaths ?? entry.InstallPaths)
        {
            string dir = Path.GetFullPath(install);
            if (Missing(entry, dir).Length == 0)
            {
                VerifyAll(entry, dir);
                return dir;
            }
        }

        string cache = Path.Combine(CacheRoot, entry.Name);
        if (Missing(entry, cache).Length == 0 && !allowDownload)
        {
            VerifyAll(entry, cache);
            return cache;
        }
        if (!allowDownload)
        {
            throw new FileNotFoundException(
                $"dataset '{entry.Name}' not found in {string.Join(", ", (_installPaths ?? entry.InstallPaths).Append(cache))}; " +
                "give its directory or allow the download");
        }
        await FillCacheAsync(entry, cache, cancellationToken).ConfigureAwait(false);
        return cache;
    }

    /// <summary>Throws <see cref="DataFormatException"/> unless the file at <paramref name="path"/> has the catalog digest.</summary>
    public void Verify(string path, DatasetFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var info = new FileInfo(path);
        var key = (info.FullName, info.Length, info.LastWriteTimeUtc);
        if (!_verified.TryGetValue(key, out var digest))
        {
            using FileStream fs = File.OpenRead(path);
            digest = FileDigest.Of(fs, withMd5: file.Sha256 is null);
        }
        if (!file.Accepts(digest.Sha256, digest.Md5))
        {
            throw new DataFormatException(path, $"{digest.Describe(file)}, expected {file.Expected} for {file.FileName}: not the catalog's file");
        }
        _verified[key] = digest;
    }

    private void VerifyAll(DatasetEntry entry, string dir)
    {
        foreach (DatasetFile f in entry.Files) Verify(Path.Combine(dir, f.FileName), f);
    }

    private static string[] Missing(DatasetEntry entry, string dir) =>
        entry.Files.Where(f => !File.Exists(Path.Combine(dir, f.FileName))).Select(f => f.FileName).ToArray();
}
