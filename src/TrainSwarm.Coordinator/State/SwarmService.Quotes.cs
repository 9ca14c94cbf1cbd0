using System.Security.Cryptography;
using TrainSwarm.Coordination.Pricing;
using TrainSwarm.Learning.Models;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.State;

/// <summary>Quotes: what a job will cost and take, issued before any money moves and stored so the coordinator can hold itself to them.</summary>
public sealed partial class SwarmService
{
    // Every catalog dataset has 60,000 training images; the holdout is taken from them as DataSplit does.
    private const int CatalogTrainCount = 60_000;

    /// <summary>Checks <paramref name="spec"/> like a submission, prices it with <see cref="Hosting.CoordinatorOptions.Prices"/> and stores the quote.</summary>
    public Task<Quote> QuoteAsync(JobSpec spec, CancellationToken cancellation)
    {
        CheckSpec(spec);
        var flops = FlopCounter.Count(spec.Model, spec.Layers, InputShape);
        var holdout = Math.Clamp((int)Math.Round(CatalogTrainCount * spec.HoldoutFraction), 1, CatalogTrainCount - 1);
        return MutateAsync(changes =>
        {
            var now = Now;
            var id = "q" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            Quote quote;
            try
            {
                quote = QuoteCalculator.Quote(spec, flops.Training, flops.Forward, holdout, NodeSpeeds(spec, flops.Training, now), Options.Prices, now, id);
            }
            catch (OverflowException)
            {
                var errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["spec"] = ["the job is too large to price"] };
                throw new ApiProblemException(400, "Invalid job spec", "the job spec has invalid fields: spec: the job is too large to price", errors);
            }
            changes.Put(Kinds.Quote, id, quote, () => _quotes[id] = quote);
            return quote;
        }, cancellation);
    }

    /// <summary>One quote, or null.</summary>
    public Task<Quote?> QuoteByIdAsync(string id, CancellationToken cancellation) => ReadAsync(() => _quotes.GetValueOrDefault(id), cancellation);

    /// <summary>
    /// The training throughput, in samples/s of this spec's model, of each online node that serves its dataset. A node
    /// benchmarks a preset (the mlp); its speed scales to this model by the ratio of training FLOPs per sample.
    /// </summary>
    private List<double> NodeSpeeds(JobSpec spec, long modelTrainingFlops, DateTimeOffset now)
    {
        var speeds = new List<double>();
        foreach (var node in _nodes.Values)
        {
            var seen = _lastSeen.GetValueOrDefault(node.Address, node.LastSeenAt);
            var benchmark = node.Registration.Benchmark;
            if (now - seen > Options.OnlineWindow || !node.Registration.Datasets.Contains(spec.Dataset) || !ModelPresets.Names.Contains(benchmark.Model))
                continue;
            var benchmarkFlops = FlopCounter.Count(benchmark.Model, null, InputShape).Training;
            speeds.Add(benchmark.SamplesPerSecond * benchmarkFlops / Math.Max(1, modelTrainingFlops));
        }
        return speeds;
    }
}
