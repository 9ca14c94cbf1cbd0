using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Daemons;
using TrainSwarm.Learning.Grpo;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The grpo counterpart of <see cref="UpdateScorer"/>: the same decoding, well-formedness and contribution checks, then each update is
/// scored by the exact-match accuracy of greedy decoding (<see cref="ExactMatchEvaluator"/>, no randomness) of global + delta on the
/// round's held-out prompts against the global's own on the same prompts. The prompts are drawn from a seed of the round's audit secret,
/// which the nodes cannot know while they train (<see cref="GrpoRoundSpecs.EvalPrompts"/>). The verdict carries both counts, so the pay
/// rule is <c>AccuracyQuality</c> (full when the accuracy did not drop, proportional to the correct answers when it did).
/// </summary>
public sealed class GrpoUpdateScoring
{
    private readonly GptConfig _config;
    private readonly IReadOnlyList<VerifiablePrompt> _prompts;
    private readonly int _maxNewTokens;

    /// <summary>A scorer of updates to <paramref name="baseModel"/> (safetensors bytes) on the prompts of <paramref name="evalSeed"/>.</summary>
    /// <exception cref="Nn.Serialization.SafeTensorsFormatException">The base model does not fit the spec's preset.</exception>
    public GrpoUpdateScoring(JobSpec spec, byte[] baseModel, ulong evalSeed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _config = GrpoRoundSpecs.Config(spec);
        _prompts = GrpoRoundSpecs.EvalPrompts(spec, evalSeed);
        _maxNewTokens = GrpoRoundSpecs.MaxNewTokens(spec);
        Model = GrpoRoundTrainer.Load(_config, baseModel);
        BaseWeights = WeightConversion.FromModule(Model);
        Base = ExactMatchEvaluator.Evaluate(Model, _prompts, _maxNewTokens);
    }

    /// <summary>The model the scorer evaluates with; it holds whatever weights were evaluated last.</summary>
    public GptModel Model { get; }

    /// <summary>The base weights, in the model's parameter order.</summary>
    public IReadOnlyList<WeightTensor> BaseWeights { get; }

    /// <summary>The base model's held-out exact match.</summary>
    public ExactMatchResult Base { get; }

    /// <summary>The held-out exact match of <paramref name="weights"/> (in the base's layout).</summary>
    public ExactMatchResult Evaluate(IReadOnlyList<WeightTensor> weights)
    {
        WeightConversion.Load(Model, weights);
        return ExactMatchEvaluator.Evaluate(Model, _prompts, _maxNewTokens);
    }

    /// <summary>One scored update per candidate, in order; <paramref name="previous"/> are the previous round's deltas.</summary>
    public IReadOnlyList<ScoredUpdate> Score(
        IReadOnlyList<CandidateUpdate> candidates, IReadOnlyList<PreviousDelta> previous, CancellationToken cancellation = default)
    {
        return CandidateScoring.Score<ExactMatchResult>(candidates, previous, BaseWeights, weights => new(Evaluate(weights), null), f =>
            // Losses are not what a grpo update is judged by: 0, and the exact-match counts carry the score.
            new UpdateVerdict(f.Receipt.Node, f.Receipt.UpdateBlob, f.Reason is null, f.Reason, f.Receipt.Samples, f.Receipt.Steps, f.Norm,
                0, Base.Accuracy, 0, f.Value?.Accuracy ?? 0, 0, f.Contribution, BaseCorrect: Base.Correct, UpdatedCorrect: f.Value?.Correct),
            cancellation, minBaseRelativeNorm: ContributionChecks.MinFineTuneBaseRelativeNorm);
    }
}
