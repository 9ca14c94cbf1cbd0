using System.Security.Cryptography;
using TrainSwarm.Coordination.Pricing;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Learning.Models;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>Prices a job spec: what it will cost and take, issued before any money moves and stored so the coordinator can hold itself to it.</summary>
public sealed class QuoteJob(SwarmState state, StateCommitter committer, CoordinatorOptions options)
{
    /// <summary>Checks <paramref name="spec"/> like a submission, prices it with <see cref="CoordinatorOptions.Prices"/> and stores the quote.</summary>
    public Task<Quote> QuoteAsync(JobSpec spec, CancellationToken cancellation)
    {
        JobSpecCheck.Check(spec);
        var data = JobSpecCheck.DatasetOf(spec);
        int[] inputShape = [.. data.InputShape];
        var flops = FlopCounter.Count(spec.Model, spec.Layers, inputShape);
        // The holdout is taken from the training split, as DataSplit does.
        var holdout = Math.Clamp((int)Math.Round(data.TrainSamples * spec.HoldoutFraction), 1, data.TrainSamples - 1);
        return committer.MutateAsync(changes =>
        {
            var now = state.Now;
            var id = "q" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            Quote quote;
            try
            {
                quote = QuoteCalculator.Quote(spec, flops.Training, flops.Forward, holdout, NodeSpeeds(spec, flops.Training, inputShape, now),
                    options.Prices, now, id);
            }
            catch (OverflowException)
            {
                throw JobSpecCheck.Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["spec"] = ["the job is too large to price"] });
            }
            state.PutQuote(changes, quote);
            return quote;
        }, cancellation);
    }

    /// <summary>
    /// The training throughput, in samples/s of this spec's model, of each online node that serves its dataset. A node
    /// benchmarks a preset (the mlp); its speed scales to this model by the ratio of training FLOPs per sample.
    /// </summary>
    private List<double> NodeSpeeds(JobSpec spec, long modelTrainingFlops, int[] inputShape, DateTimeOffset now)
    {
        var speeds = new List<double>();
        foreach (var node in state.Nodes.Values)
        {
            var seen = state.LastSeen.GetValueOrDefault(node.Address, node.LastSeenAt);
            var benchmark = node.Registration.Benchmark;
            if (now - seen > options.OnlineWindow || !node.Registration.Datasets.Contains(spec.Dataset) || !ModelPresets.Names.Contains(benchmark.Model))
                continue;
            var benchmarkFlops = FlopCounter.Count(benchmark.Model, null, inputShape).Training;
            speeds.Add(benchmark.SamplesPerSecond * benchmarkFlops / Math.Max(1, modelTrainingFlops));
        }
        return speeds;
    }
}
