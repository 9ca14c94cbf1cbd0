using System.Collections.Concurrent;
using TrainSwarm.Learning.Data;

namespace TrainSwarm.Node;

/// <summary>
/// Loads each named dataset's training split once per process: parsing Fashion-MNIST takes about a second and
/// 200 MB, and every round of every job on it trains on the same images.
/// </summary>
public sealed class DatasetCache(string? dataDirectory, bool allowDownload, Action<string>? log = null)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<LabeledImages>>> _loaded = new(StringComparer.Ordinal);
    private readonly DatasetLocator _locator = new(log: log);

    /// <summary>The dataset names this node knows how to load.</summary>
    public static IReadOnlyList<string> Loadable { get; } = ["fashion-mnist"];

    /// <summary>True when <paramref name="name"/> can be loaded at all (not whether its files are present).</summary>
    public static bool CanLoad(string name) => Loadable.Contains(name, StringComparer.Ordinal);

    /// <summary>The training split of <paramref name="name"/>; a failed load is forgotten so a later round tries again.</summary>
    /// <exception cref="NotSupportedException">The node has no loader for the dataset.</exception>
    public async Task<LabeledImages> GetAsync(string name, CancellationToken cancellation)
    {
        if (!CanLoad(name))
            throw new NotSupportedException($"this node cannot load dataset '{name}' (it knows: {string.Join(", ", Loadable)})");
        // Not cancellable: a load shared by several rounds must not be abandoned because one of them stopped.
        var lazy = _loaded.GetOrAdd(name, n => new Lazy<Task<LabeledImages>>(() => LoadAsync(n)));
        try
        {
            return await lazy.Value.WaitAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellation.IsCancellationRequested)
        {
            _loaded.TryRemove(new KeyValuePair<string, Lazy<Task<LabeledImages>>>(name, lazy));
            throw;
        }
    }

    private async Task<LabeledImages> LoadAsync(string name)
    {
        // Off the caller's thread: parsing the IDX files is CPU work.
        var (train, _) = await Task.Run(() => FashionMnist.LoadAsync(_locator, UserPath(name), allowDownload)).ConfigureAwait(false);
        return train;
    }

    // The data directory is either a root with one folder per dataset, or the dataset's own folder.
    private string? UserPath(string name)
    {
        if (dataDirectory is null)
            return null;
        var sub = Path.Combine(dataDirectory, name);
        return Directory.Exists(sub) ? sub : dataDirectory;
    }
}
