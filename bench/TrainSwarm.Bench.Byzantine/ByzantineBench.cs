using System.Security.Cryptography;
using System.Text.Json.Serialization;
using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Tensors;

namespace TrainSwarm.Bench.Byzantine;

/// <summary>The grid to run: every combination of aggregator × attack × Byzantine count, plus each aggregator's clean run.</summary>
public sealed record ByzantineOptions(
    IReadOnlyList<string> Aggregators, IReadOnlyList<string> Attacks, IReadOnlyList<int> Byzantine,
    int Workers = 16, int Rounds = 10, int InnerSteps = 20, int BatchSize = 64, double LearningRate = 0.05, ulong Seed = 0,
    int Threads = 2, string? DataDir = null, bool ContributionChecks = false);

/// <summary>One cell of the grid, one JSON line.</summary>
public sealed record ByzantineCell(
    [property: JsonPropertyName("figure")] string Figure,
    [property: JsonPropertyName("aggregator")] string Aggregator,
    [property: JsonPropertyName("attack")] string Attack,
    [property: JsonPropertyName("byzantine")] int Byzantine,
    [property: JsonPropertyName("workers")] int Workers,
    [property: JsonPropertyName("rounds")] int Rounds,
    [property: JsonPropertyName("inner_steps")] int InnerSteps,
    [property: JsonPropertyName("test_accuracy")] double TestAccuracy,
    [property: JsonPropertyName("clean_accuracy")] double CleanAccuracy,
    [property: JsonPropertyName("drop_vs_clean")] double DropVsClean,
    [property: JsonPropertyName("byzantine_weight")] double ByzantineWeight,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("simulation")] string Simulation = "in-process",
    [property: JsonPropertyName("checks")] string Checks = "none",
    [property: JsonPropertyName("rejected_honest")] int RejectedHonest = 0,
    [property: JsonPropertyName("rejected_byzantine")] int RejectedByzantine = 0);

/// <summary>
/// The Byzantine grid as an in-process simulation: no coordinator, network or validator checks, only the round's
/// arithmetic. Every worker trains the <c>mlp</c> preset with the real <see cref="RoundTrainer"/> on its own
/// Fashion-MNIST shard; the last b workers then replace their update by an attack's; the aggregator under test
/// combines all n; the final model is scored on the 10,000 test images. Everything is seeded, so a cell is the same on
/// every run. By default the validator's checks are off on purpose: the grid measures what the aggregation rule alone
/// withstands. With <see cref="ByzantineOptions.ContributionChecks"/> the round first drops what the validator's
/// <see cref="ContributionChecks"/> refuse (zero and near-zero deltas, copies of an update received earlier, replays of
/// the previous round's accepted deltas), in the order a coordinator would have received them (honest workers first:
/// a copier can only copy what was uploaded), so the grid shows what the product's pipeline withstands.
/// </summary>
public sealed class ByzantineBench
{
    private readonly ByzantineOptions _o;
    private readonly LabeledImages[] _shards;
    private readonly LabeledImages[] _flippedShards;
    private readonly LabeledImages _test;
    private readonly List<WeightTensor> _initial;
    private readonly RoundTrainingSpec _spec;
    // Honest deltas from the initial model, shared by the first round of every cell: same base, shard and seed give the
    // same bits, so computing them once is exact, not an approximation. Later rounds start from models that differ.
    private readonly Dictionary<(int Worker, bool Flipped), List<WeightTensor>> _firstRound = [];

    private ByzantineBench(ByzantineOptions o, LabeledImages train, LabeledImages test)
    {
        _o = o;
        _test = test;
        var split = new DataSplit(train.Count, 0.1, null, o.Seed);
        _shards = Enumerable.Range(0, o.Workers).Select(i => train.Gather(split.Shard(i, o.Workers))).ToArray();
        // Label flipping as in the papers: class c becomes 9 − c.
        _flippedShards = _shards.Select(s => new LabeledImages(s.Pixels, s.Labels.Select(l => s.Classes - 1 - l).ToArray(),
            s.Channels, s.Height, s.Width, s.Classes)).ToArray();
        _initial = ToWeights(ModuleWeights.Export(ModelPresets.Create("mlp", o.Seed)));
        _spec = new RoundTrainingSpec("mlp", null, "sgd", o.LearningRate, 0.9, o.BatchSize, o.InnerSteps, o.InnerSteps);
    }

    /// <summary>Loads Fashion-MNIST and prepares the shards and the initial model.</summary>
    public static async Task<ByzantineBench> CreateAsync(ByzantineOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options);
        Engine.Threads = options.Threads;
        var (train, test) = await FashionMnist.LoadAsync(new DatasetLocator(), options.DataDir, cancellationToken: cancellation);
        return new ByzantineBench(options, train, test);
    }

    /// <summary>Runs the grid, reporting each cell as soon as it is done; each aggregator's clean run comes first.</summary>
    public void Run(Action<ByzantineCell> report, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var aggregator in _o.Aggregators)
        {
            var clean = RunCell(aggregator, "none", 0, cancellation);
            report(clean);
            foreach (var attack in _o.Attacks)
            {
                foreach (var b in _o.Byzantine.Where(b => b > 0))
                {
                    var cell = RunCell(aggregator, attack, b, cancellation);
                    report(cell with
                    {
                        CleanAccuracy = clean.TestAccuracy,
                        DropVsClean = Math.Round(100 * (clean.TestAccuracy - cell.TestAccuracy), 2),
                    });
                }
            }
        }
    }

    private ByzantineCell RunCell(string aggregator, string attack, int byzantine, CancellationToken cancellation)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var strategy = CreateStrategy(aggregator, byzantine);
        var outer = new OuterParameters(0.7, 0.9);
        var weights = _initial;
        IReadOnlyList<WeightTensor>? state = null;
        int n = _o.Workers, honestCount = n - byzantine;
        double byzantineWeight = 0;
        int rejectedHonest = 0, rejectedByzantine = 0;
        IReadOnlyList<IReadOnlyList<WeightTensor>> previous = [];
        for (var round = 0; round < _o.Rounds; round++)
        {
            cancellation.ThrowIfCancellationRequested();
            var baseBytes = SafeTensorsWriter.ToBytes(ToArrays(weights));
            var honest = Enumerable.Range(0, honestCount).Select(w => Train(baseBytes, round, w, flipped: false)).ToList();
            var rng = new Rng(Mix(_o.Seed, (ulong)round, 0xB12A_0000UL));
            var replies = new List<AggregationReply>(n);
            for (var w = 0; w < n; w++)
            {
                List<WeightTensor> delta;
                if (w < honestCount)
                    delta = honest[w];
                else
                {
                    // Attacks that reuse the worker's honest work (sign-flip) train it; the others need no training.
                    var own = Attacks.TrainsOnFlippedLabels(attack) ? Train(baseBytes, round, w, flipped: true)
                        : attack == "sign-flip" ? Train(baseBytes, round, w, flipped: false) : honest[0];
                    delta = Attacks.Forge(attack, own, honest, n, byzantine, rng);
                }
                replies.Add(new AggregationReply($"w{w}", delta, _shards[w].Count, 0));
            }
            var kept = Enumerable.Range(0, n).ToList();
            if (_o.ContributionChecks)
            {
                var checks = ContributionChecks.CheckRound(replies.Select(r => (IReadOnlyList<WeightTensor>)r.Delta).ToList(), weights, previous);
                kept = kept.Where(i => checks[i].Passed).ToList();
                rejectedHonest += Enumerable.Range(0, honestCount).Count(i => !checks[i].Passed);
                rejectedByzantine += Enumerable.Range(honestCount, byzantine).Count(i => !checks[i].Passed);
                previous = kept.Select(i => (IReadOnlyList<WeightTensor>)replies[i].Delta).ToList();
            }
            if (kept.Count == 0)
                continue; // nothing accepted: the round leaves the model as it was, as a validator would
            var outcome = strategy.Aggregate(new AggregationInput(weights, kept.Select(i => replies[i]).ToList(), [], state, outer));
            weights = outcome.Weights.ToList();
            state = outcome.State;
            byzantineWeight += kept.Select((i, k) => i >= honestCount ? outcome.ReplyWeights[k] : 0).Sum() / _o.Rounds;
        }
        var model = ModelPresets.Create("mlp", 0);
        ModuleWeights.Import(model, SafeTensorsReader.Read(SafeTensorsWriter.ToBytes(ToArrays(weights))));
        var accuracy = Math.Round(Evaluator.Evaluate(model, _test).Accuracy, 4);
        return new ByzantineCell("byzantine", aggregator, attack, byzantine, n, _o.Rounds, _o.InnerSteps, accuracy, accuracy, 0,
            Math.Round(byzantineWeight, 4), Math.Round(clock.Elapsed.TotalSeconds, 1),
            Checks: _o.ContributionChecks ? "contribution" : "none", RejectedHonest: rejectedHonest, RejectedByzantine: rejectedByzantine);
    }

    /// <summary>
    /// The aggregator under test, built from a job spec as a validator builds it. The rules that take an assumed
    /// Byzantine count are told the cell's true count b, as Blanchard et al. and Yin et al. do in their experiments:
    /// Krum's f = b, multi-Krum's m = n − b, trimmed mean's β = b / n. <c>diloco:RULE</c> names DiLoCo on a robust rule.
    /// </summary>
    public IAggregationStrategy CreateStrategy(string aggregator, int byzantine)
    {
        ArgumentNullException.ThrowIfNull(aggregator);
        var parts = aggregator.Split(':', 2);
        var spec = new JobSpec
        {
            MaxNodes = _o.Workers, Strategy = parts[0], RobustInner = parts.Length > 1 ? parts[1] : null,
            ByzantineCount = Math.Min(byzantine, _o.Workers - 3), TrimFraction = (double)byzantine / _o.Workers,
        };
        var errors = JobSpecRules.Validate(spec);
        if (errors.Count > 0)
            throw new ArgumentException($"aggregator '{aggregator}': " + string.Join("; ", errors.Select(e => $"{e.Key} {e.Value[0]}")));
        return Strategies.Create(spec.Strategy, spec);
    }

    private List<WeightTensor> Train(byte[] baseBytes, int round, int worker, bool flipped)
    {
        if (round == 0 && _firstRound.TryGetValue((worker, flipped), out var cached))
            return cached;
        var shard = flipped ? _flippedShards[worker] : _shards[worker];
        var result = RoundTrainer.Train(baseBytes, _spec, shard, Mix(_o.Seed, (ulong)round, (ulong)worker));
        var delta = ToWeights(result.Delta);
        if (round == 0)
            _firstRound[(worker, flipped)] = delta;
        return delta;
    }

    private static void Check(ByzantineOptions o)
    {
        if (o.Workers < 4)
            throw new ArgumentOutOfRangeException(nameof(o), "the grid needs at least 4 workers");
        if (o.Byzantine.Any(b => b < 0 || 2 * b >= o.Workers))
            throw new ArgumentOutOfRangeException(nameof(o), $"Byzantine counts must be in [0, {(o.Workers - 1) / 2}] (a minority of {o.Workers})");
        foreach (var attack in o.Attacks)
        {
            if (!Byzantine.Attacks.Names.Contains(attack))
                throw new ArgumentException($"unknown attack '{attack}'; known: {string.Join(", ", Byzantine.Attacks.Names)}", nameof(o));
        }
    }

    // A round's and worker's seed from the bench seed, through SHA-256 so nearby inputs give unrelated streams.
    private static ulong Mix(ulong seed, ulong round, ulong worker)
    {
        Span<byte> input = stackalloc byte[24];
        BitConverter.TryWriteBytes(input, seed);
        BitConverter.TryWriteBytes(input[8..], round);
        BitConverter.TryWriteBytes(input[16..], worker);
        return BitConverter.ToUInt64(SHA256.HashData(input));
    }

    private static List<WeightTensor> ToWeights(IEnumerable<NamedArray> arrays) =>
        arrays.Select(a => new WeightTensor(a.Name, [.. a.Shape], a.AsF32())).ToList();

    private static List<NamedArray> ToArrays(IReadOnlyList<WeightTensor> weights) =>
        weights.Select(w => NamedArray.F32(w.Name, w.Values, w.Shape)).ToList();
}
