using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Daemons;
using TrainSwarm.Learning.Rl;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The rl counterpart of <see cref="UpdateScorer"/>: the same decoding, well-formedness and contribution checks, then each update is
/// scored by the mean return of global + delta over the round's evaluation episodes against the global's own on the same episodes
/// (<see cref="PolicyEvaluator"/>: deterministic argmax policy). The episodes are seeded from the round's audit secret, which the
/// nodes cannot know while they train (<see cref="RlRoundSpecs.EvalSeed"/>).
/// </summary>
public sealed class RlUpdateScoring
{
    private readonly IEnvironment _env;
    private readonly PpoConfig _ppo;
    private readonly byte[] _baseModel;
    private readonly int _episodes;
    private readonly ulong _evalSeed;

    /// <summary>A scorer of updates to <paramref name="baseModel"/> (safetensors bytes) for <paramref name="spec"/>'s rl settings.</summary>
    public RlUpdateScoring(JobSpec spec, byte[] baseModel, ulong evalSeed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _env = Environments.Create(spec.RlSettings.Environment);
        _episodes = spec.RlSettings.EvalEpisodes;
        _evalSeed = evalSeed;
        _ppo = RlRoundSpecs.Ppo(spec);
        _baseModel = baseModel;
        Policy = RlRoundTrainer.LoadPolicy(baseModel, _env, _ppo);
        BaseWeights = WeightConversion.FromModule(Policy);
        BaseReturn = MeanReturn(BaseWeights);
    }

    /// <summary>The policy the scorer evaluates with; it holds whatever weights were evaluated last.</summary>
    public ActorCritic Policy { get; }

    /// <summary>The base policy's weights, in parameter order.</summary>
    public IReadOnlyList<WeightTensor> BaseWeights { get; }

    /// <summary>The base policy's mean return over the evaluation episodes.</summary>
    public double BaseReturn { get; }

    /// <summary>Evaluation episodes per policy.</summary>
    public int Episodes => _episodes;

    /// <summary>The mean return of <paramref name="weights"/> over the round's evaluation episodes.</summary>
    public double MeanReturn(IReadOnlyList<WeightTensor> weights)
    {
        WeightConversion.Load(Policy, weights);
        return PolicyEvaluator.Evaluate(Policy, _env, _episodes, _evalSeed).MeanReturn;
    }

    // A policy of its own per call, so calls may run at once.
    private double MeanReturnOfOwnPolicy(IReadOnlyList<WeightTensor> weights)
    {
        var policy = RlRoundTrainer.LoadPolicy(_baseModel, _env, _ppo);
        WeightConversion.Load(policy, weights);
        return PolicyEvaluator.Evaluate(policy, _env, _episodes, _evalSeed).MeanReturn;
    }

    /// <summary>One scored update per candidate, in order; <paramref name="previous"/> are the previous round's deltas.</summary>
    public IReadOnlyList<ScoredUpdate> Score(
        IReadOnlyList<CandidateUpdate> candidates, IReadOnlyList<PreviousDelta> previous, CancellationToken cancellation = default)
    {
        // Losses and accuracies are not what an rl update is judged by: 0, and the returns carry the score. Each evaluation loads its
        // own policy, so they run side by side (the shared Policy is not safe across threads).
        return CandidateScoring.Score<double>(candidates, previous, BaseWeights, weights => new(MeanReturnOfOwnPolicy(weights), null), f =>
            new UpdateVerdict(f.Receipt.Node, f.Receipt.UpdateBlob, f.Reason is null, f.Reason, f.Receipt.Samples, f.Receipt.Steps, f.Norm,
                0, 0, 0, 0, 0, f.Contribution, BaseReturn: BaseReturn, UpdatedReturn: f.Value), cancellation, parallel: true);
    }
}
