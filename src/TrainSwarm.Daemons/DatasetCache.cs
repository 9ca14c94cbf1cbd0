using System.Collections.Concurrent;
using TrainSwarm.Learning.Data;

namespace TrainSwarm.Daemons;

/// <summary>
/// Loads each named dataset once per process, for nodes and validators alike: parsing Fashion-MNIST takes about a
/// second and 200 MB, and every round of every job on it uses the same images. A catalog dataset (fashion-mnist, cifar-10, …)
/// is found and digest-checked by the <see cref="DatasetLocator"/> and read by <see cref="CatalogData"/>; any other name is
/// loadable when the daemon was given a directory for it (<paramref name="paths"/>) holding IDX files in the Fashion-MNIST layout.
/// <see cref="CheckPresentAsync"/> narrows what it offers to the datasets whose files are on this machine.
/// </summary>
/// <param name="dataDirectory">
/// A root with one folder per dataset, or one dataset's own files; null: install paths, then the cache.
/// </param>
/// <param name="paths">Dataset name → directory of its IDX files; wins over <paramref name="dataDirectory"/>.</param>
/// <param name="uploaded">Where uploaded datasets' shards come from (null: this daemon trains on named datasets only).</param>
public sealed class DatasetCache(
    string? dataDirectory, bool allowDownload, Action<string>? log = null, IReadOnlyDictionary<string, string>? paths = null,
    UploadedShards? uploaded = null)
{
    /// <summary>The source of uploaded datasets' shards, or null when this daemon has none.</summary>
    public UploadedShards? Uploaded => uploaded;

    /// <summary>The training files a dataset directory must hold (gzip-compressed, or raw without the .gz).</summary>
    public static readonly (string Images, string Labels) TrainFiles = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte");

    // The test split is there for catalog datasets only (validators score on it); a path's IDX files give the training split.
    private readonly ConcurrentDictionary<string, Lazy<Task<(LabeledImages Train, LabeledImages? Test)>>> _loaded =
        new(StringComparer.Ordinal);
    private readonly DatasetLocator _locator = new(log: log);
    private readonly IReadOnlyDictionary<string, string> _paths = paths ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The dataset names every node knows how to find without being told where (catalog entries).</summary>
    public static IReadOnlyList<string> Loadable { get; } = [.. DatasetCatalog.All.Select(e => e.Name)];

    // Names whose files a presence check did not find, with why; never offered by IsLoadable.
    private readonly ConcurrentDictionary<string, string> _absent = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="name"/> is a catalog dataset any node can find (not whether its files are present).</summary>
    public static bool CanLoad(string name) =>
        Loadable.Contains(name, StringComparer.Ordinal) || string.Equals(name, Protocol.Wire.DatasetIds.UploadedName, StringComparison.Ordinal);

    /// <summary>True when <paramref name="name"/> is a catalog dataset or has a directory in <paramref name="paths"/>.</summary>
    public static bool CanLoad(string name, IReadOnlyDictionary<string, string>? paths) =>
        CanLoad(name) || (paths?.ContainsKey(name) ?? false);

    /// <summary>
    /// True when this cache can load <paramref name="name"/>: a catalog name or one with a path, and not found missing by
    /// <see cref="CheckPresentAsync"/> (before a check, its files may still be missing).
    /// </summary>
    public bool IsLoadable(string name) => CanLoad(name, _paths) && !_absent.ContainsKey(name);

    /// <summary>
    /// Checks that each of <paramref name="names"/> is on this machine (a catalog dataset: every file found with the right
    /// digest, downloaded first when downloads are allowed; a path's dataset: its training files), and remembers the missing
    /// ones so <see cref="IsLoadable"/> refuses them. Returns each missing name with the reason; uploads are always present.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> CheckPresentAsync(IEnumerable<string> names, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names.Distinct(StringComparer.Ordinal).Where(n => CanLoad(n, _paths) && n != Protocol.Wire.DatasetIds.UploadedName))
        {
            var reason = await AbsenceAsync(name, cancellation).ConfigureAwait(false);
            if (reason is null)
                _absent.TryRemove(name, out _);
            else
                _absent[name] = reason;
        }
        return new Dictionary<string, string>(_absent, StringComparer.Ordinal);
    }

    // Null when the files are there; otherwise what is wrong, in one line.
    private async Task<string?> AbsenceAsync(string name, CancellationToken cancellation)
    {
        try
        {
            if (DatasetCatalog.Find(name) is { } entry && entry.Name == name)
                await _locator.LocateAsync(entry, UserPath(name), allowDownload, cancellation).ConfigureAwait(false);
            else
                _ = TrainPaths(name, _paths[name]);
            return null;
        }
        catch (Exception e) when (e is IOException or DataFormatException or UnauthorizedAccessException or HttpRequestException
                                  || (e is TaskCanceledException && !cancellation.IsCancellationRequested))
        {
            return e.Message;
        }
    }

    /// <summary>The names this cache can load: the catalog's and those with a path, sorted.</summary>
    public IReadOnlyList<string> Names =>
        Loadable.Concat(_paths.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The training split of <paramref name="name"/>; a failed load is forgotten so a later round tries again.</summary>
    /// <exception cref="NotSupportedException">The daemon has no loader for the dataset.</exception>
    /// <exception cref="DirectoryNotFoundException">The dataset's configured directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">The directory lacks the training files.</exception>
    public async Task<LabeledImages> GetAsync(string name, CancellationToken cancellation) =>
        (await GetSplitsAsync(name, cancellation).ConfigureAwait(false)).Train;

    /// <summary>The train and test splits of the catalog dataset <paramref name="name"/> (what a validator scores on).</summary>
    /// <exception cref="NotSupportedException"><paramref name="name"/> is not a catalog dataset.</exception>
    public async Task<(LabeledImages Train, LabeledImages Test)> GetCatalogAsync(string name, CancellationToken cancellation)
    {
        if (!Loadable.Contains(name, StringComparer.Ordinal))
            throw new NotSupportedException($"dataset '{name}' is not in the catalog (it knows: {string.Join(", ", Loadable)})");
        var (train, test) = await GetSplitsAsync(name, cancellation).ConfigureAwait(false);
        return (train, test!);
    }

    private async Task<(LabeledImages Train, LabeledImages? Test)> GetSplitsAsync(string name, CancellationToken cancellation)
    {
        if (!IsLoadable(name))
            throw new NotSupportedException(
                $"this node cannot load dataset '{name}' (it knows: {string.Join(", ", Names)}; give it a path to load another)");
        // Not cancellable: a load shared by several rounds must not be abandoned because one of them stopped.
        var lazy = _loaded.GetOrAdd(name, n => new Lazy<Task<(LabeledImages, LabeledImages?)>>(() => LoadAsync(n)));
        try
        {
            return await lazy.Value.WaitAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellation.IsCancellationRequested)
        {
            _loaded.TryRemove(new KeyValuePair<string, Lazy<Task<(LabeledImages, LabeledImages?)>>>(name, lazy));
            throw;
        }
    }

    // Off the caller's thread: parsing the IDX files is CPU work.
    private Task<(LabeledImages Train, LabeledImages? Test)> LoadAsync(string name) => Task.Run(async () =>
    {
        var entry = DatasetCatalog.Find(name);
        if (entry is not null && string.Equals(entry.Name, name, StringComparison.Ordinal))
        {
            // A catalog dataset is digest-checked wherever it comes from, a configured path included.
            var (train, test) = await CatalogData.LoadAsync(_locator, entry, UserPath(name), allowDownload).ConfigureAwait(false);
            return (train, (LabeledImages?)test);
        }
        return (LoadIdx(name, _paths[name]), null);
    });

    /// <summary>
    /// The training split of an IDX dataset in the Fashion-MNIST layout in <paramref name="directory"/>: not
    /// digest-checked (no catalog knows its files), labels 0..9.
    /// </summary>
    public static LabeledImages LoadIdx(string name, string directory)
    {
        var (images, labels) = TrainPaths(name, directory);
        return LabeledImages.FromIdx(images, labels, FashionMnist.Classes);
    }

    private static (string Images, string Labels) TrainPaths(string name, string directory)
    {
        var dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"dataset '{name}': the directory {dir} does not exist");
        return (Find(name, dir, TrainFiles.Images), Find(name, dir, TrainFiles.Labels));
    }

    // Either the .gz the upstream sites ship, or the file already unpacked.
    private static string Find(string name, string dir, string file)
    {
        foreach (var candidate in new[] { file + ".gz", file })
        {
            var path = Path.Combine(dir, candidate);
            if (File.Exists(path))
                return path;
        }
        throw new FileNotFoundException($"dataset '{name}': {dir} lacks {file}.gz (or {file})");
    }

    // A configured path wins; otherwise the data directory is a root with one folder per dataset, or the dataset's own
    // folder.
    private string? UserPath(string name)
    {
        if (_paths.TryGetValue(name, out var path))
            return path;
        if (dataDirectory is null)
            return null;
        var sub = Path.Combine(dataDirectory, name);
        return Directory.Exists(sub) ? sub : dataDirectory;
    }
}
