using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Daemons;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The lm counterpart of <see cref="UpdateScorer"/>: the same decoding, well-formedness and contribution checks, then each update
/// is scored by the held-out next-token loss (nats per token; perplexity is its exp) of global + delta against the global's own,
/// on the same consecutive held-out windows (no randomness: every validator computes the same numbers). The verdict carries the
/// two losses, so the pay rule is the holdout-loss one (<c>Settlement.QualityBps</c>: full when the loss did not rise, base /
/// updated in basis points when it did, integer).
/// </summary>
public sealed class LmUpdateScoring
{
    private readonly ReadOnlyMemory<int> _heldOut;
    private readonly int _seqLen;
    private readonly int _windows;

    /// <summary>A scorer of updates to <paramref name="baseModel"/> (safetensors bytes) on <paramref name="heldOut"/> tokens.</summary>
    /// <exception cref="SafeTensorsFormatException">The base model does not fit the spec's preset.</exception>
    public LmUpdateScoring(JobSpec spec, byte[] baseModel, ReadOnlyMemory<int> heldOut)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _heldOut = heldOut;
        _seqLen = spec.LmSettings.SeqLen;
        _windows = spec.LmSettings.EvalWindows;
        Model = new GptModel(LmRoundSpecs.Config(spec), 0);
        ModuleWeights.Import(Model, SafeTensorsReader.Read(baseModel));
        BaseWeights = WeightConversion.FromModule(Model);
        Base = LmEvaluator.Evaluate(Model, _heldOut.Span, _seqLen, maxWindows: _windows);
    }

    /// <summary>The model the scorer evaluates with; it holds whatever weights were evaluated last.</summary>
    public GptModel Model { get; }

    /// <summary>The base weights, in the model's parameter order.</summary>
    public IReadOnlyList<WeightTensor> BaseWeights { get; }

    /// <summary>The base model's held-out loss.</summary>
    public LmEvaluation Base { get; }

    /// <summary>The held-out loss of <paramref name="weights"/> (in the base's layout).</summary>
    public LmEvaluation Evaluate(IReadOnlyList<WeightTensor> weights)
    {
        WeightConversion.Load(Model, weights);
        return LmEvaluator.Evaluate(Model, _heldOut.Span, _seqLen, maxWindows: _windows);
    }

    /// <summary>One scored update per candidate, in order; <paramref name="previous"/> are the previous round's deltas.</summary>
    public IReadOnlyList<ScoredUpdate> Score(
        IReadOnlyList<CandidateUpdate> candidates, IReadOnlyList<PreviousDelta> previous, CancellationToken cancellation = default)
    {
        return CandidateScoring.Score<LmEvaluation>(candidates, previous, BaseWeights, weights =>
        {
            var updated = Evaluate(weights);
            // Finite weights can still overflow the logits; such a model cannot be scored or used.
            return double.IsFinite(updated.Loss) ? new(updated, null) : new(null, "the updated model's held-out loss is not finite");
        }, f =>
            // Accuracy is not what an lm update is judged by: 0, and the losses carry the score.
            new UpdateVerdict(f.Receipt.Node, f.Receipt.UpdateBlob, f.Reason is null, f.Reason, f.Receipt.Samples, f.Receipt.Steps, f.Norm,
                Base.Loss, 0, f.Value?.Loss ?? 0, 0, 0, f.Contribution), cancellation);
    }
}
