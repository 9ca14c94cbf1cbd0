using System.Globalization;
using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator.Tests;

/// <summary>
/// Measures what <see cref="ContributionChecks"/> must never mistake for a copy, a replay or a zero delta: honest
/// updates trained with <see cref="RoundTrainer"/> on disjoint Fashion-MNIST shards, round after round, as a devnet
/// job runs them (H = 100, batch 64, SGD 0.05 with momentum 0.9, FedAvg). The quick test runs the mlp with 4 nodes
/// for 3 rounds; TRAINSWARM_MEASURE=full runs the grid the README reports (mlp and cnn, 8 nodes, 5 rounds).
/// </summary>
public class HonestSimilarityTests(ITestOutputHelper log)
{
    private const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    // The largest figures the full grid measured (README, "Trust"): the thresholds must stay well clear of them.
    private const double MeasuredMaxSimilarity = 0.912;
    private const double MeasuredMaxPreviousSimilarity = 0.652;
    private const double MeasuredMinRelativeNorm = 0.932;

    /// <summary>The extremes over every round of one run.</summary>
    private sealed record Figures(
        double MaxSimilarity, double MaxPreviousSimilarity, double MaxOwnPreviousSimilarity, double MinRelativeNorm, double MaxRelativeNorm,
        double MinBaseRelativeNorm, int Rejected, int Worse, int Updates);

    [Fact]
    public void Honest_updates_on_different_shards_are_far_from_every_threshold()
    {
        Assert.True(MeasuredMaxSimilarity < ContributionChecks.CopySimilarity - 0.05);
        Assert.True(MeasuredMaxPreviousSimilarity < ContributionChecks.ReplaySimilarity - 0.05);
        Assert.True(MeasuredMinRelativeNorm > 2 * ContributionChecks.MinRelativeNorm);
        if (!Directory.Exists(FashionMnistDirectory))
        {
            log.WriteLine($"{FashionMnistDirectory} is missing (Debian's dataset-fashion-mnist): nothing to measure");
            return;
        }
        var full = Environment.GetEnvironmentVariable("TRAINSWARM_MEASURE") == "full";
        var train = FashionMnist.LoadTrain(FashionMnistDirectory);
        foreach (var (model, nodes, rounds) in full ? [("mlp", 8, 5), ("cnn", 8, 5)] : new[] { ("mlp", 4, 3) })
        {
            var figures = Measure(train, model, nodes, rounds);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"model\":\"{model}\",\"nodes\":{nodes},\"rounds\":{rounds},\"updates\":{figures.Updates},"
                + $"\"max_similarity\":{figures.MaxSimilarity:F4},\"max_previous_similarity\":{figures.MaxPreviousSimilarity:F4},"
                + $"\"max_own_previous_similarity\":{figures.MaxOwnPreviousSimilarity:F4},\"relative_norm\":[{figures.MinRelativeNorm:F3},"
                + $"{figures.MaxRelativeNorm:F3}],\"min_base_relative_norm\":{figures.MinBaseRelativeNorm:G3},"
                + $"\"worse_than_base\":{figures.Worse},\"rejected\":{figures.Rejected}}}"));
            Assert.Equal(0, figures.Rejected);
            Assert.True(figures.MaxSimilarity < ContributionChecks.CopySimilarity);
            Assert.True(figures.MaxPreviousSimilarity < ContributionChecks.ReplaySimilarity);
        }
    }

    private Figures Measure(LabeledImages train, string model, int nodes, int rounds)
    {
        var spec = new JobSpec { Model = model, Seed = 11 };
        var split = new DataSplit(train.Count, spec.HoldoutFraction, spec.TrainSamples, spec.Seed);
        var holdout = train.Gather(split.Holdout());
        var shards = Enumerable.Range(0, nodes).Select(i => train.Gather(split.Shard(i, nodes))).ToArray();
        var trainingSpec = new RoundTrainingSpec(
            spec.Model, spec.Layers, spec.Optimizer, spec.LearningRate, spec.Momentum, spec.BatchSize, spec.InnerSteps, spec.CommitInterval);
        var module = ModelBuilder.Build(spec.Model, spec.Layers, spec.Seed);
        var baseWeights = WeightConversion.FromModule(module);
        var figures = new Figures(0, 0, 0, double.MaxValue, 0, double.MaxValue, 0, 0, 0);
        IReadOnlyList<IReadOnlyList<WeightTensor>> previous = [];
        for (var round = 0; round < rounds; round++)
        {
            WeightConversion.Load(module, baseWeights);
            var baseBytes = ModuleWeights.ToBytes(module);
            var baseLoss = Evaluator.Evaluate(module, holdout).Loss;
            var deltas = new List<IReadOnlyList<WeightTensor>>();
            for (var node = 0; node < nodes; node++)
            {
                // Seeds differ per node and round, as the coordinator's assignment seeds do.
                var result = RoundTrainer.Train(baseBytes, trainingSpec, shards[node], (ulong)(1000 * round + node + 1));
                deltas.Add(WeightConversion.AlignTo(baseWeights, WeightConversion.FromNamedArrays(result.Delta)));
            }
            var checks = ContributionChecks.CheckRound(deltas, baseWeights, previous);
            var worse = 0;
            for (var node = 0; node < nodes; node++)
            {
                var weights = WeightSet.Clone(baseWeights);
                WeightSet.AddScaled(weights, deltas[node], 1f);
                WeightConversion.Load(module, weights);
                if (Evaluator.Evaluate(module, holdout).Loss >= baseLoss)
                    worse++;
            }
            // Every pair, not only each update against the earlier ones: the order of arrival is arbitrary.
            var pairwise = 0.0;
            for (var a = 0; a < nodes; a++)
            {
                for (var b = a + 1; b < nodes; b++)
                    pairwise = Math.Max(pairwise, Math.Abs(ContributionChecks.Cosine(deltas[a], deltas[b])));
            }
            var own = previous.Count == 0 ? 0 : Enumerable.Range(0, nodes).Max(n => Math.Abs(ContributionChecks.Cosine(deltas[n], previous[n])));
            var step = previous.Count == 0 ? 0 : deltas.Max(d => Math.Abs(ContributionChecks.Cosine(d, previous[^1])));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model} round {round}: base loss {baseLoss:F4}, max pairwise |cos| {pairwise:F4}, "
                + $"max |cos| vs previous round {checks.Max(c => c.PreviousSimilarity):F4} (own shard {own:F4}, global step {step:F4}), "
                + $"relative norm {checks.Min(c => c.RelativeNorm):F3}..{checks.Max(c => c.RelativeNorm):F3}, "
                + $"norm/base {checks.Min(c => c.BaseRelativeNorm):G3}, worse than base {worse}, rejected {checks.Count(c => !c.Passed)}"));
            figures = new Figures(
                Math.Max(figures.MaxSimilarity, pairwise), Math.Max(figures.MaxPreviousSimilarity, checks.Max(c => c.PreviousSimilarity)),
                Math.Max(figures.MaxOwnPreviousSimilarity, own), Math.Min(figures.MinRelativeNorm, checks.Min(c => c.RelativeNorm)),
                Math.Max(figures.MaxRelativeNorm, checks.Max(c => c.RelativeNorm)),
                Math.Min(figures.MinBaseRelativeNorm, checks.Min(c => c.BaseRelativeNorm)),
                figures.Rejected + checks.Count(c => !c.Passed), figures.Worse + worse, figures.Updates + nodes);

            // FedAvg over equal shards: the next base is base + the mean delta.
            var mean = WeightSet.Zeros(baseWeights);
            foreach (var delta in deltas)
                WeightSet.AddScaled(mean, delta, 1f / nodes);
            var next = WeightSet.Clone(baseWeights);
            WeightSet.AddScaled(next, mean, 1f);
            baseWeights = next;
            // The validator also compares with the previous round's global step (public: the difference of two models).
            previous = [.. deltas, mean];
        }
        return figures;
    }
}
