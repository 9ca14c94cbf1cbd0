using System.Diagnostics;
using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Bench;

/// <summary>
/// Held-out loss against training tokens for one process and for a swarm of nodes with DiLoCo, in this process with the swarm's
/// own parts: every node's round is <see cref="LmRoundTrainer.Train"/> from the global weights on its contiguous shard of the
/// corpus (as a node daemon trains it), the outer step is the validator's <see cref="DiLoCo"/> strategy (Nesterov, lr 0.7,
/// momentum 0.9), and the inner learning rate follows one cosine schedule over a node's steps of the whole run, as lm jobs do.
/// Evaluation is <see cref="LmEvaluator"/> on the corpus's held-out windows. Seeded: the same options give the same figures.
/// </summary>
public static class LmDilocoBenchmark
{
    /// <summary>The measured settings; the model is small by default so that H = 500 runs several rounds in minutes.</summary>
    /// <param name="BaselineSteps">Steps of the one-process run.</param>
    /// <param name="SwarmTokenFactor">Each swarm run trains at most this many times the baseline's tokens (all nodes together).</param>
    public sealed record Options(GptConfig Config, int Batch, int SeqLen, int BaselineSteps, IReadOnlyList<int> InnerSteps, int Nodes,
        int SwarmTokenFactor, double MaxLr, double MinLr, int Warmup, int EvalWindows, int EvalEvery, ulong Seed);

    /// <summary>One point of a curve: after this many training tokens (all nodes together), this held-out loss.</summary>
    public sealed record Point(long Tokens, double Loss, double Seconds);

    /// <summary>One run's curve; <paramref name="H"/> is null for the one-process run.</summary>
    public sealed record Curve(int? H, int Rounds, IReadOnlyList<Point> Points);

    /// <summary>The one-process run: <see cref="Options.BaselineSteps"/> steps on the whole training stream, evaluated every EvalEvery steps.</summary>
    public static Curve Baseline(Options o, TokenCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(corpus);
        var model = new GptModel(o.Config, o.Seed);
        var spec = new LmTrainingSpec(o.Batch, o.SeqLen, o.BaselineSteps, o.MaxLr, o.MinLr, o.Warmup);
        var points = new List<Point> { new(0, Evaluate(model, corpus, o), 0) };
        var clock = Stopwatch.StartNew();
        LmTrainer.Train(model, spec, corpus.Train, o.Seed, step =>
        {
            if (step.Step % o.EvalEvery == 0 || step.Step == step.Steps)
                points.Add(new Point(step.Tokens, Evaluate(model, corpus, o), clock.Elapsed.TotalSeconds));
        });
        return new Curve(null, 1, points);
    }

    /// <summary>
    /// The swarm run with H = <paramref name="h"/>: rounds of <see cref="Options.Nodes"/> nodes, each H steps on its shard, DiLoCo on
    /// their deltas, until the nodes together have trained SwarmTokenFactor × the baseline's tokens.
    /// </summary>
    public static Curve Swarm(Options o, TokenCorpus corpus, int h)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(corpus);
        long tokensPerRound = (long)o.Nodes * h * o.Batch * o.SeqLen;
        long budget = (long)o.SwarmTokenFactor * o.BaselineSteps * o.Batch * o.SeqLen;
        int rounds = (int)Math.Max(1, budget / tokensPerRound);
        var model = new GptModel(o.Config, o.Seed);
        var global = ModuleWeights.ToBytes(model);
        var job = new JobSpec { Kind = JobKinds.Lm, Strategy = "diloco" };
        var strategy = Strategies.Create("diloco", job);
        IReadOnlyList<WeightTensor>? state = null;
        var points = new List<Point> { new(0, Evaluate(model, corpus, o), 0) };
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < rounds; r++)
        {
            var training = new LmTrainingSpec(o.Batch, o.SeqLen, h, o.MaxLr, o.MinLr, o.Warmup, DecaySteps: rounds * h, ScheduleOffset: r * h);
            var spec = new LmRoundSpec(o.Config, training, CommitEvery: h);
            // The model holds the global weights; its export order is the order deltas and the strategy use.
            var baseWeights = Weights(ModuleWeights.Export(model));
            var replies = new List<AggregationReply>();
            for (int n = 0; n < o.Nodes; n++)
            {
                var result = LmRoundTrainer.Train(global, spec, corpus.Shard(o.Nodes, n), o.Seed + (ulong)(r * o.Nodes + n) + 1);
                replies.Add(new AggregationReply($"node-{n}", Weights(result.Delta), result.Samples, 0));
            }
            var outcome = strategy.Aggregate(new AggregationInput(baseWeights, replies, [], state, Strategies.OuterOf(job)));
            state = outcome.State;
            global = SafeTensorsWriter.ToBytes(outcome.Weights.Select(w => NamedArray.F32(w.Name, w.Values, w.Shape)).ToList());
            ModuleWeights.Import(model, SafeTensorsReader.Read(global));
            points.Add(new Point((r + 1) * tokensPerRound, Evaluate(model, corpus, o), clock.Elapsed.TotalSeconds));
        }
        return new Curve(h, rounds, points);
    }

    /// <summary>The fewest tokens after which <paramref name="curve"/> is at or below <paramref name="loss"/>, or null if it never is.</summary>
    public static long? TokensToReach(Curve curve, double loss)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return curve.Points.FirstOrDefault(p => p.Tokens > 0 && p.Loss <= loss)?.Tokens;
    }

    /// <summary>
    /// Bytes one node moves per round: the global model down and its f32 delta up. Per-step synchronous data parallelism moves a
    /// gradient up and the averaged one down at every step, so H steps cost H times as much.
    /// </summary>
    public static long BytesPerNodePerRound(GptConfig config) => 2 * 4 * config.ParameterCount;

    private static double Evaluate(GptModel model, TokenCorpus corpus, Options o) =>
        LmEvaluator.Evaluate(model, corpus.HeldOut, o.SeqLen, maxWindows: o.EvalWindows).Loss;

    private static List<WeightTensor> Weights(IEnumerable<NamedArray> arrays) =>
        arrays.Select(a => new WeightTensor(a.Name, [.. a.Shape], a.AsF32())).ToList();
}
