using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Grpo;

/// <summary>
/// The settings a grpo round depends on (mapped from the job spec alike by node and validator, so a replay repeats the run).
/// </summary>
/// <param name="Digits">The task's difficulty.</param>
/// <param name="Grpo">GRPO's settings; its Steps are the round's.</param>
/// <param name="TrainPrompts">Size of the job's training-prompt pool.</param>
/// <param name="JobSeed">The job's seed: it fixes the pool every node draws from.</param>
/// <param name="CommitEvery">Commit to the weights every this many steps, and always at the last.</param>
public sealed record GrpoRoundSpec(GptConfig Config, int Digits, GrpoSpec Grpo, int TrainPrompts, ulong JobSeed, int CommitEvery);

/// <summary>What a node's grpo round produced: weights, delta from the base, and the facts its receipt states.</summary>
/// <param name="RewardCurve">Each step's mean reward over its completions.</param>
/// <param name="Completions">Completions sampled in all.</param>
/// <param name="SampledTokens">Completion tokens sampled in all.</param>
public sealed record GrpoRoundResult(
    IReadOnlyList<NamedArray> Weights, IReadOnlyList<NamedArray> Delta, IReadOnlyList<float> LossCurve, IReadOnlyList<double> RewardCurve, int Steps,
    int Completions, long SampledTokens, double MeanReward, double ComputeSeconds, IReadOnlyList<WeightCommitment> Commitments);

/// <summary>
/// A node's work in one round of a grpo job: GRPO steps (<see cref="GrpoTrainer"/>) from the global policy, which is also the round's
/// KL reference, drawing prompts from the job's training pool and sampling with the node's seed (the round's plus its slot), with a
/// fresh optimizer, committing to the weights every commitEvery steps. A run's state between steps is more than weights (the
/// sampler's generator, AdamW's moments), so a replay runs the round again from its start. Deterministic in (base, spec, seed) and
/// bitwise for any thread count.
/// </summary>
public static class GrpoRoundTrainer
{
    /// <summary>Trains the round's steps (or only <paramref name="stopAfter"/>, a replay) from <paramref name="baseWeights"/> (safetensors bytes).</summary>
    public static GrpoRoundResult Train(byte[] baseWeights, GrpoRoundSpec spec, ulong seed, int? stopAfter = null, Action<GrpoStep>? onStep = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(baseWeights);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.CommitEvery);
        int steps = Math.Min(spec.Grpo.Steps, stopAfter ?? int.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps, nameof(stopAfter));
        var tasks = new ArithmeticTasks(spec.Digits);
        var grpo = spec.Grpo with { MaxNewTokens = Math.Min(spec.Grpo.MaxNewTokens, tasks.MaxCompletionTokens) };
        var policy = Load(spec.Config, baseWeights);
        var reference = Load(spec.Config, baseWeights);
        var before = ModuleWeights.Export(policy);
        var trainer = new GrpoTrainer(policy, reference, grpo, ArithmeticGrpo.TrainPrompts(tasks, spec.TrainPrompts, spec.JobSeed), seed);
        var losses = new List<float>(steps);
        var rewards = new List<double>(steps);
        var commitments = new List<WeightCommitment>();
        int completions = 0;
        long sampled = 0;
        double rewardSum = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int s = 1; s <= steps; s++)
        {
            cancellation.ThrowIfCancellationRequested();
            var step = trainer.Step(clock.Elapsed);
            losses.Add(step.Loss);
            rewards.Add(step.MeanReward);
            completions += step.Completions;
            sampled += step.SampledTokens;
            rewardSum += step.MeanReward * step.Completions;
            if (CommitmentLog.IsDue(spec.CommitEvery, grpo.Steps, s))
                commitments.Add(new WeightCommitment(s, RoundTrainer.Hash(policy)));
            onStep?.Invoke(step);
        }
        var after = ModuleWeights.Export(policy);
        return new GrpoRoundResult(after, DeltaCodec.Difference(after, before), losses, rewards, steps, completions, sampled, rewardSum / completions,
            clock.Elapsed.TotalSeconds, commitments);
    }

    /// <summary>A model of <paramref name="config"/> holding <paramref name="weights"/> (safetensors bytes; every name and shape checked).</summary>
    public static GptModel Load(GptConfig config, byte[] weights)
    {
        // The initializer seed does not matter: every parameter is overwritten.
        var model = new GptModel(config, seed: 0);
        ModuleWeights.Import(model, SafeTensorsReader.Read(weights));
        return model;
    }
}
