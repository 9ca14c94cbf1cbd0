using System.Diagnostics;
using System.Globalization;
using TrainSwarm.Daemons;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Tensors;
using TrainSwarm.Validator;

namespace TrainSwarm.Bench.Verification;

/// <summary>
/// Measures the replay spot checks with the validator's own code: <see cref="ReplayCheck"/> judges every update and
/// <see cref="ReplayPicks"/> draws the segments, as in a real round; the updates are real training runs of the <c>mlp</c>
/// preset on Fashion-MNIST shards (<see cref="RoundTrainer"/>, the nodes' engine). Three figures:
/// <list type="bullet">
/// <item>catch rates: cheaters who skip a share of their steps (the last ones in one block, or evenly spread) but claim
/// them all, faking the commitments so the chain's end still matches their delta (the strongest skipper: any cruder lie
/// fails the static or chain-end checks every time). Which of their segments a replay exposes is found by replaying each
/// one; the share of audit secrets whose picks hit one of those is the per-round catch rate;</item>
/// <item>false positives: honest updates (SGD and Adam, trained and replayed with different thread counts), every
/// segment replayed;</item>
/// <item>replay compute: at the checked share, the validator's replayed steps and wall time against the training's.</item>
/// </list>
/// </summary>
public sealed class VerificationBench
{
    private readonly VerificationOptions _o;
    private readonly LabeledImages _train;
    private readonly byte[] _base;
    private readonly IReadOnlyList<NamedArray> _baseTensors;
    private readonly Random _random;
    private readonly ShardCache _shards = new();

    private VerificationBench(VerificationOptions options, LabeledImages train)
    {
        _o = options;
        _train = train;
        _base = ModuleWeights.ToBytes(ModelPresets.Create("mlp", options.Seed));
        _baseTensors = SafeTensorsReader.Read(_base).Tensors;
        _random = new Random(unchecked((int)options.Seed) ^ 0x5eed);
    }

    /// <summary>Loads Fashion-MNIST's training split (digest-checked) and prepares the base model.</summary>
    public static async Task<VerificationBench> CreateAsync(VerificationOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options);
        var (train, _) = await FashionMnist.LoadAsync(new DatasetLocator(), options.DataDir, cancellationToken: cancellation).ConfigureAwait(false);
        return new VerificationBench(options, train);
    }

    /// <summary>Runs every figure, reporting each as soon as it is measured (catch rates first, then the honest updates).</summary>
    public void Run(Action<object> report, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var skip in _o.Skips)
            foreach (var pattern in new[] { "block", "spread" })
                report(Catch(skip, pattern, cancellation));
        foreach (var figure in Honest(cancellation))
            report(figure);
    }

    /// <summary>The job spec under test: the job defaults except for what the options set.</summary>
    public JobSpec Spec(string optimizer) => new()
    {
        Name = "verification", Model = "mlp", Dataset = "fashion-mnist", MaxNodes = _o.Nodes, InnerSteps = _o.InnerSteps, BatchSize = _o.BatchSize,
        Optimizer = optimizer, LearningRate = optimizer == "sgd" ? 0.05 : 0.001, Momentum = 0.9, TrainSamples = _o.TrainSamples,
        CommitEvery = _o.CommitEvery, ReplayShareBps = _o.ShareBps, Seed = _o.Seed,
    };

    private CatchFigure Catch(double skip, string pattern, CancellationToken cancellation)
    {
        var spec = Spec("sgd");
        Engine.Threads = _o.ThreadCounts[0];
        var check = new ReplayCheck(spec, _base, _train, _shards);
        var segments = ReplayPicks.Schedule(spec, spec.InnerSteps).Count;
        double caughtOne = 0, caughtRounds = 0, exposed = 0;
        for (var c = 0; c < _o.Cheaters; c++)
        {
            var slot = c % _o.Nodes;
            var roundSeed = NextSeed();
            var node = $"ts1cheater{c}";
            var update = Skipper(spec, slot, roundSeed, node, Skipped(spec.InnerSteps, skip, pattern), cancellation);
            // Which segments expose the lie: each replayed alone, through the validator's check (static checks and chain end included).
            var failing = new HashSet<int>();
            for (var i = 0; i < segments; i++)
            {
                var outcome = check.Check(update.Receipt, update.Update, slot, slot, _o.Nodes, roundSeed, [i], update.Blobs, cancellation);
                if (outcome.Fraud)
                    failing.Add(i);
                else if (outcome.Reason is not null)
                    throw new InvalidOperationException($"cheater {c}: segment {i} was refused without proof: {outcome.Reason}");
            }
            exposed += failing.Count;
            int hits = 0, runs = 0, runHits = 0;
            var runCaught = false;
            for (var t = 0; t < _o.Trials; t++)
            {
                var picks = ReplayPicks.Pick(Secret(), node, update.Receipt.UpdateBlob, segments, spec.ReplayShare);
                var caught = picks.Any(failing.Contains);
                hits += caught ? 1 : 0;
                runCaught |= caught;
                if ((t + 1) % _o.Rounds == 0)
                {
                    runs++;
                    runHits += runCaught ? 1 : 0;
                    runCaught = false;
                }
            }
            var p = (double)hits / _o.Trials;
            caughtOne += p;
            caughtRounds += runs == 0 ? 0 : (double)runHits / runs;
        }
        var n = _o.Cheaters;
        var perRound = caughtOne / n;
        return new CatchFigure("catch", skip, pattern, _o.CommitEvery, segments, _o.ShareBps, n, _o.Trials, exposed / n, perRound, _o.Rounds,
            1 - Math.Pow(1 - perRound, _o.Rounds), caughtRounds / n);
    }

    /// <summary>
    /// Honest rounds of <c>Nodes</c> updates each, every round with one optimizer and thread pairing (cycled round by round)
    /// and its own round seed. Per update, timed: the node's <see cref="RoundTrainer.Train"/> (its H steps and commitments,
    /// the checkpoint bytes included; not the bench's bookkeeping around it) and the validator's spot check at the share
    /// (drawing the picks and <see cref="ReplayCheck.Check"/> with a check object made per round, as
    /// <c>RoundValidation</c> makes it). The all-segment check that counts false positives runs on separate check objects,
    /// untimed, so it neither adds to the spot check nor warms its replayer.
    /// </summary>
    private List<object> Honest(CancellationToken cancellation)
    {
        var optimizers = _o.OptimizerNames;
        var threads = _o.ThreadCounts;
        var pairs = Enumerable.Range(0, threads.Count).Select(k => (Node: threads[k], Validator: threads[(k + 1) % threads.Count])).ToList();
        var cells = optimizers.SelectMany(o => pairs.Select(p => (Optimizer: o, p.Node, p.Validator))).ToList();
        var fullChecks = optimizers.ToDictionary(o => o, o => new ReplayCheck(Spec(o), _base, _train, _shards), StringComparer.Ordinal);
        var counts = cells.Select(_ => (Updates: 0, Segments: 0L, Fraud: 0, Rejected: 0)).ToArray();
        var rounds = (_o.Honest + _o.Nodes - 1) / _o.Nodes;
        var blocks = Math.Min(10, Math.Max(1, rounds));
        var byBlock = new (double Train, double Replay, double Check)[blocks];
        long trainedSteps = 0, replayedSteps = 0, stateBytes = 0, uploadBefore = 0, uploadAfter = 0, requested = 0;
        double keepSeconds = 0, answerSeconds = 0;
        var storeDir = Path.Combine(Path.GetTempPath(), "ts-bench-states-" + Guid.NewGuid().ToString("N"));
        var store = new Node.CheckpointStore(storeDir, "ts1bench");
        ReplayCheck? spotCheck = null;
        ulong roundSeed = 0;
        for (var u = 0; u < _o.Honest; u++)
        {
            cancellation.ThrowIfCancellationRequested();
            var round = u / _o.Nodes;
            var slot = u % _o.Nodes;
            var k = round % cells.Count;
            var (optimizer, nodeThreads, validatorThreads) = cells[k];
            var spec = Spec(optimizer);
            if (slot == 0)
            {
                roundSeed = NextSeed();
                spotCheck = new ReplayCheck(spec, _base, _train, _shards);
            }
            var block = (int)((long)round * blocks / rounds);
            var node = $"ts1honest{u}";
            Engine.Threads = nodeThreads;
            var (update, trainSeconds) = Trained(spec, slot, roundSeed, node, cancellation);
            trainedSteps += update.Receipt.Steps;
            stateBytes += update.Blobs.Values.Sum(b => (long)b.Length);

            // What a validator does at the checked share: draw the picks, check, replay them.
            Engine.Threads = validatorThreads;
            var segments = update.Receipt.Commitments.Count;
            var clock = Stopwatch.StartNew();
            var picks = ReplayPicks.Pick(Secret(), node, update.Receipt.UpdateBlob, segments, spec.ReplayShare);
            var spot = spotCheck!.Check(update.Receipt, update.Update, slot, slot, _o.Nodes, roundSeed, picks, update.Blobs, cancellation);
            var checkSeconds = clock.Elapsed.TotalSeconds;
            var b = byBlock[block];
            byBlock[block] = (b.Train + trainSeconds, b.Replay + spot.ReplaySeconds, b.Check + checkSeconds);
            replayedSteps += spot.ReplayedSteps;
            // Upload: before states on demand the delta and every state; now the delta, the last state and the requested ones.
            var asked = ReplayCheck.Requested(update.Receipt, picks);
            requested += asked.Count;
            uploadBefore += update.Update.Length + update.Blobs.Values.Sum(v => (long)v.Length);
            uploadAfter += update.Update.Length + update.Blobs[update.Receipt.Commitments[^1].State!].Length + asked.Sum(id => (long)update.Blobs[id].Length);
            // The node's side of states on demand, with its own store: keeping every state on disk, then reading back
            // (and hash-checking) the requested ones; the HTTP round trip itself is measured end to end (README).
            clock.Restart();
            store.Save("jbench-r0", u + 1, update.Blobs.Values);
            keepSeconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            foreach (var id in asked)
                _ = store.Load("jbench-r0", u + 1, id) ?? throw new InvalidOperationException($"state {id} was not kept");
            answerSeconds += clock.Elapsed.TotalSeconds;
            store.Forget("jbench-r0", u + 1);

            // And every segment, so an honest update is never found wanting in any segment a secret could pick.
            var all = fullChecks[optimizer].Check(update.Receipt, update.Update, slot, slot, _o.Nodes, roundSeed, Enumerable.Range(0, segments).ToList(),
                update.Blobs, cancellation);
            var c = counts[k];
            counts[k] = (c.Updates + 1, c.Segments + segments, c.Fraud + (all.Fraud || spot.Fraud ? 1 : 0),
                c.Rejected + (all.Reason is not null || spot.Reason is not null ? 1 : 0));
        }
        var figures = new List<object>();
        for (var k = 0; k < cells.Count; k++)
            figures.Add(new FalsePositiveFigure("false_positives", cells[k].Optimizer, Text(cells[k].Node), Text(cells[k].Validator),
                counts[k].Updates, counts[k].Segments, counts[k].Fraud, counts[k].Rejected));
        figures.Add(new FalsePositiveFigure("false_positives", string.Join(",", optimizers), string.Join(",", threads.Select(Text)),
            string.Join(",", threads.Select(Text)), counts.Sum(c => c.Updates), counts.Sum(c => c.Segments), counts.Sum(c => c.Fraud),
            counts.Sum(c => c.Rejected)));
        var h = Math.Max(1, _o.Honest);
        var train = byBlock.Sum(x => x.Train);
        var replay = byBlock.Sum(x => x.Replay);
        var check = byBlock.Sum(x => x.Check);
        figures.Add(new ReplayComputeFigure("replay_compute", _o.CommitEvery, _o.ShareBps, _o.Honest, trainedSteps, replayedSteps,
            trainedSteps == 0 ? 0 : (double)replayedSteps / trainedSteps, train, replay, Share(replay, train), check, Share(check, train),
            blocks, byBlock.Min(x => Share(x.Replay, x.Train)), byBlock.Max(x => Share(x.Replay, x.Train)),
            byBlock.Min(x => Share(x.Check, x.Train)), byBlock.Max(x => Share(x.Check, x.Train)),
            ReplayPicks.Schedule(Spec("sgd"), _o.InnerSteps).Count, stateBytes / h, uploadBefore / h, uploadAfter / h, (double)requested / h,
            keepSeconds / h, answerSeconds / h));
        if (Directory.Exists(storeDir))
            Directory.Delete(storeDir, recursive: true);
        return figures;
    }

    private static double Share(double part, double whole) => whole == 0 ? 0 : part / whole;

    /// <summary>An update and what a validator fetches for it: the receipt, the delta's bytes and the committed states by id.</summary>
    private sealed record Delivered(TrainingReceipt Receipt, byte[] Update, Dictionary<string, byte[]> Blobs);

    // An honest node's update: H steps from the base on its shard, as AssignmentTrainer trains it, and the wall time of that
    // training alone (the shard is gathered before and the bench's blob ids and delta encoding come after it).
    private (Delivered Update, double Seconds) Trained(JobSpec spec, int slot, ulong roundSeed, string node, CancellationToken cancellation)
    {
        var trainingSpec = RoundTrainingSpecs.For(spec, spec.InnerSteps);
        var shard = Shard(spec, slot);
        var clock = Stopwatch.StartNew();
        var result = RoundTrainer.Train(_base, trainingSpec, shard, roundSeed + (ulong)slot, cancellation: cancellation);
        var seconds = clock.Elapsed.TotalSeconds;
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var state in result.Checkpoints!)
            blobs[BlobId.Of(state)] = state;
        var commitments = result.Commitments.Select(c => new Commitment(c.Step, c.Sha256, c.State)).ToList();
        return (Deliver(spec, slot, roundSeed, node, result.LossCurve, result.BatchSize, commitments, blobs), seconds);
    }

    /// <summary>
    /// A cheater's update: segment by segment it trains only the steps not in <paramref name="skipped"/> (continuing its
    /// batch stream where an honest run would be), commits each segment's end state under the step it claims, and uploads
    /// the delta of its last state, so that only replaying a segment it shortened can tell.
    /// </summary>
    private Delivered Skipper(JobSpec spec, int slot, ulong roundSeed, string node, HashSet<int> skipped, CancellationToken cancellation)
    {
        var shard = Shard(spec, slot);
        var seed = roundSeed + (ulong)slot;
        var schedule = ReplayPicks.Schedule(spec, spec.InnerSteps);
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var commitments = new List<Commitment>();
        var losses = new List<float>();
        byte[]? state = null;
        var from = 0;
        foreach (var to in schedule)
        {
            var trained = Enumerable.Range(from + 1, to - from).Count(s => !skipped.Contains(s));
            if (trained == 0)
            {
                // Nothing trained in this segment: the previous state is committed again under the claimed step.
                if (state is null)
                    throw new ArgumentException("a skipper must train at least one step of its first segment");
                commitments.Add(commitments[^1] with { Step = to });
                losses.AddRange(Enumerable.Repeat(losses[^1], to - from));
                from = to;
                continue;
            }
            // An honest segment runs the real schedule; a shortened one stops early and its last step is committed.
            var end = from + trained;
            var run = trained == to - from ? RoundTrainingSpecs.For(spec, spec.InnerSteps) : RoundTrainingSpecs.For(spec, end);
            var result = state is null
                ? RoundTrainer.Train(_base, run, shard, seed, stopAfter: end, cancellation: cancellation)
                : RoundTrainer.Resume(state, from, run, shard, seed, end, cancellation);
            state = result.Checkpoints![^1];
            var last = result.Commitments[^1];
            blobs[BlobId.Of(state)] = state;
            commitments.Add(new Commitment(to, last.Sha256, last.State));
            losses.AddRange(result.LossCurve);
            losses.AddRange(Enumerable.Repeat(result.LossCurve[^1], to - end));
            from = to;
        }
        return Deliver(spec, slot, roundSeed, node, losses, Math.Min(spec.BatchSize, shard.Count), commitments, blobs);
    }

    private Delivered Deliver(
        JobSpec spec, int slot, ulong roundSeed, string node, IReadOnlyList<float> losses, int batch,
        List<Commitment> commitments, Dictionary<string, byte[]> blobs)
    {
        // The weights as the last committed state holds them (safetensors order, as the validator reads them back).
        var last = SafeTensorsReader.Read(blobs[commitments[^1].State!]).Tensors
            .Where(t => !t.Name.StartsWith(RoundCheckpoint.OptimizerPrefix, StringComparison.Ordinal)).ToList();
        var update = DeltaCodec.Encode(DeltaCodec.Difference(last, _baseTensors), "f32");
        var receipt = new TrainingReceipt(
            "jbench", "jbench-r0", 1, node, BlobId.Of(_base), slot, _o.Nodes, roundSeed + (ulong)slot, spec.InnerSteps, (long)spec.InnerSteps * batch,
            losses, 0, commitments, BlobId.Of(update), "f32", "fashion-mnist");
        return new Delivered(receipt, update, blobs);
    }

    /// <summary>
    /// The 1-based steps a cheater skips of <paramref name="steps"/>: round(share × steps) of them, either the last ones
    /// (<c>block</c>) or evenly spaced (<c>spread</c>: step j when ⌊j·share⌋ grows).
    /// </summary>
    public static HashSet<int> Skipped(int steps, double share, string pattern)
    {
        var count = (int)Math.Round(share * steps);
        return pattern switch
        {
            "block" => Enumerable.Range(steps - count + 1, count).ToHashSet(),
            "spread" => Enumerable.Range(1, steps).Where(j => Math.Floor(j * share + 1e-9) > Math.Floor((j - 1) * share + 1e-9)).ToHashSet(),
            _ => throw new ArgumentException($"unknown skip pattern '{pattern}' (block or spread)", nameof(pattern)),
        };
    }

    private LabeledImages Shard(JobSpec spec, int slot)
    {
        var split = new DataSplit(_train.Count, spec.HoldoutFraction, spec.TrainSamples, spec.Seed, spec.FirstSamples);
        return _train.Gather(split.Shard(slot, _o.Nodes));
    }

    private string Secret()
    {
        var bytes = new byte[32];
        _random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private ulong NextSeed() => (ulong)_random.NextInt64();

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static void Check(VerificationOptions o)
    {
        if (o.CommitEvery < 1 || o.InnerSteps < 1 || o.BatchSize < 1 || o.Nodes < 1 || o.Rounds < 1)
            throw new ArgumentException("commit-every, inner-steps, batch-size, nodes and rounds must be at least 1");
        if (o.ShareBps is < 0 or > 10_000)
            throw new ArgumentException("share-bps must be from 0 to 10000");
        if (o.Trials < 1 || o.Honest < 0 || o.Cheaters < 0)
            throw new ArgumentException("trials must be at least 1, honest and cheaters at least 0");
        if (o.Skips.Any(s => s is <= 0 or >= 1))
            throw new ArgumentException("every skip share must be above 0 and below 1");
        if (o.OptimizerNames.Count == 0 || o.OptimizerNames.Any(n => n is not ("sgd" or "adam" or "adamw")))
            throw new ArgumentException("optimizers must be among sgd, adam, adamw");
        if (o.ThreadCounts.Count == 0 || o.ThreadCounts.Any(t => t < 1))
            throw new ArgumentException("thread counts must be at least 1");
    }
}
