namespace TrainSwarm.Coordinator.State;

/// <summary>
/// Every blob the stored state still names: live datasets' holdouts and shards, jobs' models and strategy states, rounds' base
/// and new models, and every update. A blob outside this set can be removed without breaking anything a client can ask for.
/// </summary>
internal static class BlobReferences
{
    /// <summary>The blobs in use; read under the state gate.</summary>
    public static HashSet<string> InUse(SwarmState state)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in state.Datasets.Values.Where(d => d.DeletedAt is null))
        {
            used.Add(d.Manifest.Holdout.Blob);
            used.UnionWith(d.Manifest.Shards.Select(s => s.Blob));
        }
        foreach (var j in state.Jobs.Values)
        {
            used.Add(j.InitialModelBlob);
            used.Add(j.ModelBlob);
            if (j.StrategyStateBlob is not null)
                used.Add(j.StrategyStateBlob);
        }
        foreach (var r in state.Rounds.Values)
        {
            used.Add(r.BaseModel);
            if (r.NewModel is not null)
                used.Add(r.NewModel);
            used.UnionWith(r.Participants.Where(p => p.UpdateBlob is not null).Select(p => p.UpdateBlob!));
        }
        return used;
    }
}
