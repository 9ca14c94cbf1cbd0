using TrainSwarm.Daemons;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// Which local dataset a node trains when a round asks for <see cref="Requested"/>: the same one, or
/// (<see cref="Mapped"/>) the local dataset a mapping names. <see cref="Local"/> is null when the node cannot train
/// the round, and <see cref="Reason"/> says why.
/// </summary>
public sealed record DatasetChoice(string Requested, string? Local, string? Reason)
{
    /// <summary>True when the node can train the round.</summary>
    public bool Trainable => Local is not null;

    /// <summary>True when a mapping replaced the requested dataset.</summary>
    public bool Mapped => Local is not null && !string.Equals(Local, Requested, StringComparison.Ordinal);
}

/// <summary>
/// A node's dataset rules, pure: the datasets it serves under their own names, its mappings (requested → local), and
/// which names it can load (the catalog's and those with a path). No I/O.
/// </summary>
public static class DatasetResolution
{
    /// <summary>
    /// The choice for a round of <paramref name="requested"/>: a served, loadable dataset of that name is trained as
    /// itself; otherwise a mapping to a loadable local dataset is followed; otherwise the round is not for this node.
    /// </summary>
    public static DatasetChoice Resolve(
        string requested, IReadOnlyList<string> served, IReadOnlyDictionary<string, string> mappings, Func<string, bool> canLoad)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(canLoad);
        // An uploaded dataset comes from the coordinator itself: serving "uploaded" serves all of them.
        if (DatasetIds.IsValid(requested))
            return served.Contains(DatasetIds.UploadedName, StringComparer.Ordinal)
                ? new DatasetChoice(requested, requested, null)
                : new DatasetChoice(requested, null, $"dataset '{requested}' is an upload, and this node does not serve '{DatasetIds.UploadedName}'");
        var isServed = served.Contains(requested, StringComparer.Ordinal);
        if (isServed && canLoad(requested))
            return new DatasetChoice(requested, requested, null);
        if (mappings.TryGetValue(requested, out var local))
        {
            return canLoad(local)
                ? new DatasetChoice(requested, local, null)
                : new DatasetChoice(requested, null, $"dataset '{requested}' is mapped to '{local}', which this node cannot load (give '{local}' a path)");
        }
        return isServed
            ? new DatasetChoice(requested, null, $"this node has no loader for dataset '{requested}' (give it a path)")
            : new DatasetChoice(requested, null, $"dataset '{requested}' is not one this node serves ({string.Join(", ", served)})");
    }

    /// <summary>The choice for <paramref name="requested"/> under <paramref name="options"/>, loading through <paramref name="datasets"/>.</summary>
    public static DatasetChoice Resolve(string requested, NodeOptions options, DatasetCache datasets)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(datasets);
        return Resolve(requested, options.Datasets, options.DatasetMappings, datasets.IsLoadable);
    }

    /// <summary>
    /// The dataset names a node registers: those it serves and can load, then every requested name it maps to a loadable
    /// dataset. The coordinator lets a node join only rounds of registered names (and counts it for quotes of them), so a
    /// mapped name must be listed or the mapping is never used; a dataset it cannot load (a catalog one whose files are not
    /// here, a name without a path) and an unusable mapping are left out, so it is never assigned a round it cannot train.
    /// </summary>
    public static IReadOnlyList<string> Registered(IReadOnlyList<string> served, IReadOnlyDictionary<string, string> mappings, Func<string, bool> canLoad)
    {
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(canLoad);
        return served.Where(canLoad)
            .Concat(mappings.Where(m => canLoad(m.Value)).Select(m => m.Key).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
