using System.Diagnostics;
using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Tracing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>An update as the network part of validation leaves it: its bytes, or the reason it has none (receipt or download failure).</summary>
/// <param name="ReceivedAt">When the coordinator received it: of two near-identical updates the earlier keeps its pay.</param>
public sealed record CandidateUpdate(TrainingReceipt Receipt, byte[]? Bytes, string? Reason, DateTimeOffset? ReceivedAt = null);

/// <summary>A delta of the previous round that this round's updates must not replay: a node's accepted update or the global step.</summary>
/// <param name="Source">Who it came from, as reasons name it (<c>node ts1…'s delta</c>, <c>global step</c>).</param>
public sealed record PreviousDelta(string Source, IReadOnlyList<WeightTensor> Delta);

/// <summary>A scored update: its verdict (weight still 0) and, when accepted, its decoded delta for aggregation.</summary>
public sealed record ScoredUpdate(UpdateVerdict Verdict, IReadOnlyList<WeightTensor>? Delta);

/// <summary>
/// The part of validation that needs no network: decodes each update, rejects malformed ones (<see cref="UpdateChecks"/>)
/// and those that contribute nothing of their own (<see cref="ContributionChecks"/>), and scores the rest by the holdout
/// loss and accuracy of base + delta against the base's own.
/// </summary>
public sealed class UpdateScorer
{
    private readonly LabeledImages _holdout;

    /// <summary>
    /// A scorer for <paramref name="model"/>, which holds the round's base weights, on <paramref name="holdout"/>.
    /// <paramref name="knownBase"/> is the base's holdout result when already known (evaluation is deterministic, so
    /// the previous round's score of the same model on the same holdout is exact).
    /// </summary>
    public UpdateScorer(Module model, LabeledImages holdout, EvalResult? knownBase = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _holdout = holdout ?? throw new ArgumentNullException(nameof(holdout));
        BaseWeights = WeightConversion.FromModule(model);
        Base = knownBase ?? Evaluator.Evaluate(model, holdout);
    }

    /// <summary>Builds <paramref name="spec"/>'s model, loads the base weights from safetensors bytes and evaluates it on the holdout.</summary>
    /// <exception cref="SafeTensorsFormatException">The base model does not fit the spec's architecture.</exception>
    public static UpdateScorer Create(JobSpec spec, byte[] baseModel, LabeledImages holdout, EvalResult? knownBase = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // The seed only initializes weights that the import then overwrites.
        var model = ModelBuilder.Build(spec.Model, spec.Layers, spec.Seed, holdout.Classes);
        ModuleWeights.Import(model, SafeTensorsReader.Read(baseModel));
        return new UpdateScorer(model, holdout, knownBase);
    }

    /// <summary>The model the scorer evaluates with; it holds whatever weights were evaluated last.</summary>
    public Module Model { get; }

    /// <summary>The base weights, in the model's parameter order.</summary>
    public IReadOnlyList<WeightTensor> BaseWeights { get; }

    /// <summary>The base model on the holdout.</summary>
    public EvalResult Base { get; }

    /// <summary>Holdout samples.</summary>
    public int HoldoutSamples => _holdout.Count;

    /// <summary>Evaluates <paramref name="weights"/> (in the base's layout) on <paramref name="data"/> (the holdout when null).</summary>
    public EvalResult Evaluate(IReadOnlyList<WeightTensor> weights, LabeledImages? data = null)
    {
        WeightConversion.Load(Model, weights);
        return Evaluator.Evaluate(Model, data ?? _holdout);
    }

    /// <summary>
    /// One scored update per candidate, in order: decoded, checked as a round (norms and directions are compared across
    /// it, and with <paramref name="previous"/>, the previous round's deltas), scored. <paramref name="known"/> holds scores of base +
    /// delta by update blob already taken on this scorer (while the round trained): evaluation is deterministic, so they are reused.
    /// </summary>
    public IReadOnlyList<ScoredUpdate> Score(IReadOnlyList<CandidateUpdate> candidates, CancellationToken cancellation = default,
        IReadOnlyList<PreviousDelta>? previous = null, IReadOnlyDictionary<string, EvalResult>? known = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var (deltas, reasons, norms, contributions) = CandidateChecks.Prepare(candidates, previous ?? [], BaseWeights);

        var scored = new List<ScoredUpdate>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var receipt = candidates[i].Receipt;
            var started = Stopwatch.GetTimestamp();
            using var span = ValidatorTelemetry.Source.StartActivity("score update");
            span?.SetTag(RoundTrace.NodeTag, receipt.Node);
            span?.SetTag(RoundTrace.RoundIdTag, receipt.RoundId);
            span?.SetTag(RoundTrace.JobIdTag, receipt.JobId);
            EvalResult? updated = null;
            if (reasons[i] is null)
            {
                if (known?.TryGetValue(receipt.UpdateBlob, out var early) == true)
                    updated = early;
                else
                {
                    var weights = WeightSet.Clone(BaseWeights);
                    WeightSet.AddScaled(weights, deltas[i]!, 1f);
                    updated = Evaluate(weights);
                }
                // Finite values can still overflow the logits; such a model cannot be scored or used.
                if (!double.IsFinite(updated.Value.Loss))
                    (reasons[i], updated) = ("the updated model's holdout loss is not finite", null);
            }
            var verdict = new UpdateVerdict(
                receipt.Node, receipt.UpdateBlob, reasons[i] is null, reasons[i], receipt.Samples, receipt.Steps, norms[i],
                Base.Loss, Base.Accuracy, updated?.Loss ?? 0, updated?.Accuracy ?? 0, 0, contributions[i]);
            scored.Add(new ScoredUpdate(verdict, reasons[i] is null ? deltas[i] : null));
            span?.SetTag("trainswarm.update.accepted", verdict.Accepted);
            ValidatorTelemetry.UpdateScored(Stopwatch.GetElapsedTime(started), verdict.Accepted);
        }
        return scored;
    }
}
