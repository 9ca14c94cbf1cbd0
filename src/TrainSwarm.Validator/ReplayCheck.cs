using TrainSwarm.Daemons;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>What the replay check found for one update.</summary>
/// <param name="Reason">Why the update is rejected (null: it passed).</param>
/// <param name="Fraud">The receipt is provably false: only then is the node slashed.</param>
/// <param name="Segment">The failed segment or check.</param>
public sealed record ReplayOutcome(string? Reason, bool Fraud, string? Segment, string? Expected, string? Found, int ReplayedSteps)
{
    /// <summary>Wall time of the replayed training steps alone (not the static and chain-end checks around them).</summary>
    public double ReplaySeconds { get; init; }

    /// <summary>Passed, after replaying <paramref name="steps"/> steps.</summary>
    public static ReplayOutcome Passed(int steps) => new(null, false, null, null, null, steps);

    /// <summary>Rejected without fault proven (something missing): the node earns nothing but keeps its stake.</summary>
    public static ReplayOutcome Unverifiable(string reason, int steps = 0) => new(reason, false, null, null, null, steps);

    /// <summary>
    /// Fraud by silence: the node did not supply a state a replay needs within the job's window. Treated as a failed replay
    /// because otherwise a cheater would withhold exactly the states that expose it and lose nothing (README "Trust").
    /// </summary>
    public static ReplayOutcome Withheld(string segment, string state, int window, int steps) =>
        new($"replay failed: the node did not supply the state committed at the start of {segment} within {window} s ({state})", true, segment,
            state, "not supplied", steps);

    internal static ReplayOutcome Caught(string segment, string expected, string found, int steps, string what) =>
        new($"replay failed: {what} ({segment}: expected {expected}, found {found})", true, segment, expected, found, steps);
}

/// <summary>
/// The work a node's update claims, checked against the engine's determinism. Static facts first (commitment schedule,
/// samples = steps × batch), then the chain's end (the last committed state holds the committed weights, and those
/// weights minus the base encode to exactly the uploaded delta), then each picked segment is replayed from the state
/// committed before it and must reproduce the next commitment's weight and state hashes bitwise.
/// Why an honest node is never called a fraud: every check compares what the node's own, deterministic engine run
/// produced (same base, shard, seed, spec; bitwise for any thread count) with that same run redone; only a mismatch
/// of those, or a count the node itself signed that contradicts itself, is fraud. Anything the validator could not
/// get (a missing blob, no audit secret) rejects the update as unverifiable, which costs the node its pay, never its stake.
/// </summary>
/// <remarks>What differs between job kinds (the model, the data, the training step) is the <see cref="IReplayTrainer"/>'s.</remarks>
public sealed class ReplayCheck(JobSpec spec, byte[] baseModel, IReplayTrainer trainer)
{
    /// <summary>The check of an image round: <see cref="ImageReplayTrainer"/> on <paramref name="train"/>.</summary>
    public ReplayCheck(JobSpec spec, byte[] baseModel, LabeledImages train, ShardCache? shards = null)
        : this(spec, baseModel, new ImageReplayTrainer(spec, train, shards))
    {
    }

    // Read once per check object (one per round): every update's chain end compares against the same base, and every
    // first segment is replayed from it.
    private readonly SafeTensorsFile _base = SafeTensorsReader.Read(baseModel);

    // The model's own parameter layout (names, order, shapes), taken once: a committed state must hold exactly these.
    private readonly IReadOnlyList<NamedArray> _layout = trainer.Layout;

    /// <summary>
    /// The blob ids a validator must request from the node for <paramref name="receipt"/>: the states committed at the
    /// starts of the picked segments (the first segment starts from the base model, the last state is uploaded with the update).
    /// </summary>
    public static IReadOnlyList<string> Requested(TrainingReceipt receipt, IReadOnlyList<int> picks)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var last = receipt.Commitments.Count > 0 ? receipt.Commitments[^1].State : null;
        return Needs(receipt, picks).Where(id => id != last).ToList();
    }

    /// <summary>The blob ids the check of <paramref name="receipt"/> needs: every state it commits to at picked segment starts and the end.</summary>
    public static IReadOnlyList<string> Needs(TrainingReceipt receipt, IReadOnlyList<int> picks)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var needs = new List<string>();
        if (receipt.Commitments.Count > 0 && receipt.Commitments[^1].State is { } last)
            needs.Add(last);
        foreach (var i in picks)
            if (i > 0 && i - 1 < receipt.Commitments.Count && receipt.Commitments[i - 1].State is { } start)
                needs.Add(start);
        return needs.Where(BlobId.IsValid).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Checks <paramref name="receipt"/> for a node at <paramref name="slot"/> on <paramref name="shard"/> of
    /// <paramref name="shardCount"/>, round seed <paramref name="roundSeed"/>. <paramref name="blobs"/> holds the
    /// fetched states (absent: could not be downloaded).
    /// </summary>
    /// <param name="withheld">States the node was asked for and did not supply within the window: a pick that needs one is fraud.</param>
    public ReplayOutcome Check(
        TrainingReceipt receipt, byte[] update, int slot, int shard, int shardCount, ulong roundSeed, IReadOnlyList<int> picks,
        IReadOnlyDictionary<string, byte[]> blobs, CancellationToken cancellation = default, IReadOnlySet<string>? withheld = null)
    {
        var replayClock = new System.Diagnostics.Stopwatch();
        var outcome = Check(receipt, update, slot, shard, shardCount, roundSeed, picks, blobs, withheld ?? new HashSet<string>(), replayClock, cancellation);
        return outcome with { ReplaySeconds = replayClock.Elapsed.TotalSeconds };
    }

    private ReplayOutcome Check(
        TrainingReceipt receipt, byte[] update, int slot, int shard, int shardCount, ulong roundSeed, IReadOnlyList<int> picks,
        IReadOnlyDictionary<string, byte[]> blobs, IReadOnlySet<string> withheld, System.Diagnostics.Stopwatch replayClock,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(blobs);
        if (trainer.Unavailable(shard, shardCount) is { } unavailable)
            return ReplayOutcome.Unverifiable(unavailable);
        // The node signed these numbers; an honest engine run always states them consistently.
        var batch = trainer.SamplesPerStep(shard, shardCount);
        if (receipt.Samples != receipt.Steps * batch)
            return ReplayOutcome.Caught("samples", $"{(long)receipt.Steps * batch}", $"{receipt.Samples}", 0,
                $"the receipt claims {receipt.Samples} samples for {receipt.Steps} steps of batch {batch}");
        var schedule = ReplayPicks.Schedule(spec, receipt.Steps);
        var steps = receipt.Commitments.Select(c => c.Step).ToList();
        if (!steps.SequenceEqual(schedule))
            return ReplayOutcome.Caught("commitments", string.Join(",", schedule), string.Join(",", steps), 0,
                "the commitments do not follow the job's commitEvery schedule");
        if (receipt.Commitments.Any(c => c.State is null || !BlobId.IsValid(c.State)))
            return ReplayOutcome.Unverifiable("the receipt commits to no training states, so it cannot be replayed");

        var seed = roundSeed + (ulong)slot;
        var end = ChainEnd(receipt, update, blobs);
        if (end is not null)
            return end;
        var replayed = 0;
        foreach (var i in picks)
        {
            cancellation.ThrowIfCancellationRequested();
            var from = i == 0 ? 0 : receipt.Commitments[i - 1].Step;
            var target = receipt.Commitments[i];
            var segment = $"steps {from}-{target.Step}";
            var start = _base;
            if (i > 0)
            {
                var committed = receipt.Commitments[i - 1];
                if (withheld.Contains(committed.State!))
                    return ReplayOutcome.Withheld(segment, committed.State!, spec.StateWindow, replayed);
                if (!blobs.TryGetValue(committed.State!, out var state))
                    return ReplayOutcome.Unverifiable($"the state committed at step {from} could not be downloaded", replayed);
                var read = StartState(state, committed, segment, replayed);
                if (read.Bad is not null)
                    return read.Bad;
                start = read.File!;
            }
            // The state was parsed once, for its weight hash; the replay resumes from that parse.
            replayClock.Start();
            var commitments = trainer.Replay(start, from, receipt.Steps, shard, shardCount, seed, target.Step, cancellation);
            replayClock.Stop();
            replayed += target.Step - from;
            var found = commitments[^1];
            if (found.Sha256 != target.Sha256)
                return ReplayOutcome.Caught(segment, target.Sha256, found.Sha256, replayed, "the replayed weights differ from the commitment");
            if (found.State != target.State)
                return ReplayOutcome.Caught(segment, target.State!, found.State!, replayed, "the replayed optimizer state differs from the commitment");
        }
        return ReplayOutcome.Passed(replayed);
    }

    /// <summary>The last committed state must hold the last committed weights, and those minus the base must be the upload.</summary>
    private ReplayOutcome? ChainEnd(TrainingReceipt receipt, byte[] update, IReadOnlyDictionary<string, byte[]> blobs)
    {
        var last = receipt.Commitments[^1];
        if (!blobs.TryGetValue(last.State!, out var state))
            return ReplayOutcome.Unverifiable($"the state committed at step {last.Step} could not be downloaded");
        var read = StartState(state, last, $"step {last.Step}", 0);
        if (read.Bad is not null)
            return read.Bad;
        // The weights parsed here serve this comparison alone, so the delta is computed into them and no file is encoded;
        // only a mismatch encodes it, for the expected hash in the verdict.
        if (!DeltaCodec.MatchesInPlace(read.Weights!, _base.Tensors, receipt.Encoding, update))
            return ReplayOutcome.Caught("delta", BlobId.Of(DeltaCodec.Encode(read.Weights!, receipt.Encoding)), receipt.UpdateBlob, 0,
                "the uploaded delta is not the last committed weights minus the base");
        return null;
    }

    /// <summary>A state read once: the parsed file and its weights, or why it fails (then the others are null).</summary>
    private sealed record ReadState(SafeTensorsFile? File, List<NamedArray>? Weights, ReplayOutcome? Bad);

    /// <summary>
    /// A committed state must read as this model's checkpoint and hold the weights committed beside it. What was parsed is
    /// handed on (to the chain-end delta or the replay), so each state is parsed once per check.
    /// </summary>
    private ReadState StartState(byte[] state, Commitment commitment, string segment, int replayed)
    {
        var file = Parse(state);
        if (file is null)
            return Bad(ReplayOutcome.Caught(segment, "a checkpoint of this model", "unreadable bytes", replayed, "the committed state is not a checkpoint"));
        var weights = file.Tensors.Where(t => !t.Name.StartsWith(RoundCheckpoint.OptimizerPrefix, StringComparison.Ordinal)).ToList();
        if (InLayout(weights) is not { } ordered)
            return Bad(ReplayOutcome.Caught(segment, "this model's weights", "other tensors", replayed, "the committed state does not fit the model"));
        // In the model's own order these are the safetensors bytes RoundTrainer.Hash writes for a model holding them, so
        // no model is built and loaded per state.
        var hash = SafeTensorsWriter.Sha256Hex(ordered);
        return hash == commitment.Sha256
            ? new ReadState(file, weights, null)
            : Bad(ReplayOutcome.Caught(segment, commitment.Sha256, hash, replayed, "the committed state holds other weights than committed"));

        static ReadState Bad(ReplayOutcome outcome) => new(null, null, outcome);
    }

    // The state's weights in the model's export order, or null unless they are exactly the model's tensors (names, dtypes, shapes).
    private List<NamedArray>? InLayout(List<NamedArray> weights)
    {
        if (weights.Count != _layout.Count)
            return null;
        var byName = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var w in weights)
            if (!byName.TryAdd(w.Name, w))
                return null;
        var ordered = new List<NamedArray>(_layout.Count);
        foreach (var l in _layout)
        {
            if (!byName.TryGetValue(l.Name, out var w) || w.Dtype != l.Dtype || !w.Shape.SequenceEqual(l.Shape))
                return null;
            ordered.Add(w);
        }
        return ordered;
    }

    private static SafeTensorsFile? Parse(byte[] state)
    {
        try
        {
            return SafeTensorsReader.Read(state);
        }
        catch (Exception e) when (e is SafeTensorsFormatException or InvalidDataException or ArgumentException)
        {
            return null;
        }
    }
}
