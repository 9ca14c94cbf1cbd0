using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// What a validator learned about one round attempt's updates while the round was still training: each delivered update's bytes and its
/// node's key, and for an image round the scorer (base model and its holdout score) and each update's holdout score. Validation reuses it,
/// so the round's verdict waits only for the last update instead of for every one.
/// </summary>
/// <remarks>
/// Reuse is exact: blobs are content-addressed and hash-checked on download, a key is checked against the address it derives, and a
/// holdout score is a deterministic function of the base weights, the update's bytes and the holdout, all of which the round fixes. The
/// receipt checks, the round-wide checks (norms against the round's median, copies, replays of last round's deltas) and the replays still
/// run at validation, on every update; the replays' picks need the audit secret, which only the validation task carries. An rl or grpo
/// round's scores need that secret too (its evaluation episodes are drawn from it), so for those kinds only the downloads come early.
/// </remarks>
internal sealed class EarlyRound(string attemptKey, string baseModel)
{
    /// <summary>The round attempt, "id#attempt".</summary>
    public string AttemptKey { get; } = attemptKey;

    /// <summary>The base model the scores were taken against.</summary>
    public string BaseModel { get; } = baseModel;

    /// <summary>Update bytes by blob id.</summary>
    public Dictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Registered public keys by node address (only nodes the coordinator knew).</summary>
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>An image round's scorer, built on the round's base model and holdout; null for other kinds or uploaded datasets.</summary>
    public UpdateScorer? Scorer { get; set; }

    /// <summary>The split <see cref="Scorer"/>'s holdout was cut with.</summary>
    public (double, int?, ulong, int?) Split { get; set; }

    /// <summary>Holdout scores of base + delta by update blob id, taken as each update came in.</summary>
    public Dictionary<string, EvalResult> Evaluations { get; } = new(StringComparer.Ordinal);

    /// <summary>Update blobs already looked at (scored, or found unusable), so a poll does not redo them.</summary>
    public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

    /// <summary>"id#attempt" of <paramref name="round"/>.</summary>
    public static string KeyOf(RoundView round) => $"{round.Id}#{round.Attempt}";
}

/// <summary>The early work of every round attempt that is training or validating, keyed by attempt; rounds that moved on are forgotten.</summary>
internal sealed class EarlyScoring
{
    private readonly Dictionary<string, EarlyRound> _rounds = new(StringComparer.Ordinal);

    /// <summary>The early work on <paramref name="round"/>'s attempt against its base model, or null.</summary>
    public EarlyRound? Find(RoundView round) =>
        _rounds.TryGetValue(EarlyRound.KeyOf(round), out var early) && early.BaseModel == round.BaseModel ? early : null;

    /// <summary>The entry for <paramref name="round"/>'s attempt, created empty when new.</summary>
    public EarlyRound For(RoundView round)
    {
        if (Find(round) is { } early)
            return early;
        return _rounds[EarlyRound.KeyOf(round)] = new EarlyRound(EarlyRound.KeyOf(round), round.BaseModel);
    }

    /// <summary>A blob downloaded early for any round (blob ids name their bytes, so the round does not matter), or null.</summary>
    public byte[]? Blob(string id)
    {
        foreach (var early in _rounds.Values)
            if (early.Blobs.TryGetValue(id, out var bytes))
                return bytes;
        return null;
    }

    /// <summary>Drops every attempt not in <paramref name="live"/> ("id#attempt" of rounds still training or validating).</summary>
    public void Keep(IReadOnlySet<string> live)
    {
        foreach (var key in _rounds.Keys.Where(k => !live.Contains(k)).ToList())
            _rounds.Remove(key);
    }
}
