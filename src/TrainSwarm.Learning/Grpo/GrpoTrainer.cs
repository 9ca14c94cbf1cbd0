using System.Diagnostics;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Grpo;

/// <summary>One GRPO step's facts: what was sampled, how it scored, and the objective.</summary>
/// <param name="MeanReward">Mean reward over the step's completions.</param>
/// <param name="ExactRate">Share of sampled completions that were exactly right.</param>
/// <param name="Loss">The objective before the step's first update.</param>
/// <param name="Kl">Mean k3 estimate of KL(policy ‖ reference) over completion tokens, before the update.</param>
/// <param name="SampledTokens">Completion tokens the step sampled (each completion's, its stop token included).</param>
public readonly record struct GrpoStep(int Step, int Steps, double MeanReward, double ExactRate, double FormatRate, float Loss, double Kl,
    double GradNorm, int Completions, TimeSpan Elapsed, long SampledTokens = 0);

/// <summary>
/// What K GRPO steps produced: the receipt-like summary a grpo node would upload beside its weights.
/// </summary>
/// <param name="Weights">The new policy parameters (copies, model order, state_dict names).</param>
/// <param name="Prompts">Every prompt drawn, in order (PromptsPerStep per step).</param>
/// <param name="Completions">Completions sampled in all.</param>
/// <param name="LossCurve">Each step's objective before its first update.</param>
public sealed record GrpoResult(IReadOnlyList<NamedArray> Weights, IReadOnlyList<GrpoStep> Steps, IReadOnlyList<string> Prompts, int Completions,
    double MeanReward, IReadOnlyList<float> LossCurve, double ComputeSeconds);

/// <summary>
/// GRPO with verifiable rewards on a <see cref="GptModel"/>: sample a group of completions per prompt from the current policy,
/// reward each (<see cref="VerifiableReward"/>), advantage = (reward - group mean) / (group std + eps) for every token of the
/// completion, then minimize <see cref="Ops.GrpoObjective"/> over completion tokens only (prompt and padding masked out),
/// each completion's tokens averaged and the completions averaged (1/G Σ 1/|oᵢ| Σₜ), with gradient clipping and AdamW.
/// Everything is fixed by (policy, reference, spec, prompts, seed), and the engine is bitwise deterministic for any thread count.
/// </summary>
public sealed class GrpoTrainer
{
    private const int Newline = '\n';
    private const int Padding = ByteTokenizer.EndOfText;

    private readonly GptModel _policy, _reference;
    private readonly GrpoSpec _spec;
    private readonly IReadOnlyList<VerifiablePrompt> _prompts;
    private readonly AdamW _optimizer;
    private readonly Rng _rng;

    /// <param name="reference">The frozen reference policy of the KL penalty (not trained; the round's starting policy in a swarm).</param>
    public GrpoTrainer(GptModel policy, GptModel reference, GrpoSpec spec, IReadOnlyList<VerifiablePrompt> prompts, ulong seed)
    {
        spec.Validate();
        if (prompts.Count == 0) throw new ArgumentException("GRPO needs at least one training prompt");
        if (policy.Config != reference.Config) throw new ArgumentException($"policy {policy.Config} and reference {reference.Config} differ");
        _policy = policy;
        _reference = reference;
        _spec = spec;
        _prompts = prompts;
        _rng = new Rng(seed);
        _optimizer = new AdamW(policy.ParameterGroups((float)spec.WeightDecay), (float)spec.Lr, (float)spec.Beta1, (float)spec.Beta2);
    }

    /// <summary>Steps taken so far.</summary>
    public int StepsTaken { get; private set; }

    /// <summary>Prompts drawn so far, in order.</summary>
    public List<string> PromptsDrawn { get; } = [];

    /// <summary>One step: draw prompts, sample groups, score, then InnerEpochs updates on the clipped, KL-penalized objective.</summary>
    public GrpoStep Step(TimeSpan elapsedBefore = default)
    {
        var clock = Stopwatch.StartNew();
        int p = _spec.PromptsPerStep, g = _spec.GroupSize, n = p * g;
        var drawn = new VerifiablePrompt[p];
        for (int i = 0; i < p; i++) PromptsDrawn.Add((drawn[i] = _prompts[_rng.NextInt(_prompts.Count)]).Prompt);
        var prompts = new int[n][];
        for (int i = 0; i < n; i++) prompts[i] = ByteTokenizer.Encode(drawn[i / g].Prompt);
        var completions = CompletionSampler.Sample(_policy, prompts, _spec.MaxNewTokens, Newline, _spec.Temperature, _rng);

        var rewards = new float[n];
        int exact = 0, formatted = 0;
        for (int i = 0; i < n; i++)
        {
            var score = VerifiableReward.Score(ByteTokenizer.Decode(completions[i]), drawn[i / g].Answer);
            rewards[i] = score.Reward;
            if (score.Exact) exact++;
            if (score.WellFormed) formatted++;
        }
        var advantages = GroupAdvantages(rewards, g, _spec.AdvantageEps);
        var batch = TokenBatch.Build(prompts, completions, advantages, Padding);
        var old = LogProbs(_policy, batch);
        var reference = LogProbs(_reference, batch);

        float firstLoss = 0;
        double norm = 0;
        for (int e = 0; e < _spec.InnerEpochs; e++)
        {
            using (TensorScope.Begin())
            {
                _optimizer.ZeroGrad();
                var logProb = TokenLogProbs(_policy, batch);
                var loss = Ops.GrpoObjective(logProb, old, reference, batch.Advantages, batch.Weights, (float)_spec.Clip, (float)_spec.KlCoef);
                if (e == 0) firstLoss = loss.Item();
                loss.Backward();
            }
            using (GradMode.NoGrad())
            {
                norm = GradientClipping.ClipGradNorm(_optimizer.Parameters, _spec.GradClip);
                _optimizer.Step();
            }
        }
        StepsTaken++;
        return new GrpoStep(StepsTaken, _spec.Steps, rewards.Average(), (double)exact / n, (double)formatted / n, firstLoss,
            MeanKl(old, reference, batch.Weights), norm, n, elapsedBefore + clock.Elapsed, completions.Sum(c => (long)c.Length));
    }

    /// <summary>(r - mean) / (std + eps) within each group of <paramref name="groupSize"/> consecutive rewards (population std).</summary>
    public static float[] GroupAdvantages(ReadOnlySpan<float> rewards, int groupSize, float eps)
    {
        if (groupSize < 1 || rewards.Length % groupSize != 0) throw new ArgumentException($"{rewards.Length} rewards do not make groups of {groupSize}");
        var advantages = new float[rewards.Length];
        for (int start = 0; start < rewards.Length; start += groupSize)
        {
            var group = rewards.Slice(start, groupSize);
            double mean = 0, variance = 0;
            foreach (float r in group) mean += r;
            mean /= groupSize;
            foreach (float r in group) variance += (r - mean) * (r - mean);
            double std = Math.Sqrt(variance / groupSize);
            for (int i = 0; i < groupSize; i++) advantages[start + i] = (float)((group[i] - mean) / (std + eps));
        }
        return advantages;
    }

    /// <summary>Each next token's log-probability under <paramref name="model"/> (at the sampling temperature), recorded for backward.</summary>
    private Tensor TokenLogProbs(GptModel model, TokenBatch batch)
    {
        var logits = model.Forward(batch.Inputs, batch.Rows, batch.Time);
        var flat = Ops.Reshape(logits, batch.Rows * batch.Time, model.Config.VocabSize);
        // The sampler drew from softmax(z / T), so the ratio and the KL compare that distribution.
        if (_spec.Temperature != 1.0) flat = Ops.Scale(flat, (float)(1.0 / _spec.Temperature));
        return Ops.CategoricalLogProb(flat, batch.Targets);
    }

    private float[] LogProbs(GptModel model, TokenBatch batch)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        return TokenLogProbs(model, batch).Span.ToArray();
    }

    private static double MeanKl(float[] policy, float[] reference, float[] weights)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < policy.Length; i++)
        {
            if (weights[i] == 0) continue;
            double d = reference[i] - policy[i];
            sum += Math.Exp(d) - d - 1;
            count++;
        }
        return count == 0 ? 0 : sum / count;
    }

    /// <summary>
    /// Runs spec.Steps steps of GRPO on <paramref name="policy"/> against <paramref name="reference"/> and returns the new weights
    /// and the summary: the call a grpo round trainer makes (load the global weights into both models first).
    /// </summary>
    public static GrpoResult Train(GptModel policy, GptModel reference, GrpoSpec spec, IReadOnlyList<VerifiablePrompt> prompts, ulong seed,
        Action<GrpoStep>? onStep = null, CancellationToken cancellation = default)
    {
        var trainer = new GrpoTrainer(policy, reference, spec, prompts, seed);
        var steps = new List<GrpoStep>(spec.Steps);
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < spec.Steps; s++)
        {
            cancellation.ThrowIfCancellationRequested();
            var step = trainer.Step(clock.Elapsed);
            steps.Add(step);
            onStep?.Invoke(step);
        }
        int completions = steps.Sum(s => s.Completions);
        double meanReward = steps.Sum(s => s.MeanReward * s.Completions) / completions;
        return new GrpoResult(ModuleWeights.Export(policy), steps, trainer.PromptsDrawn, completions, meanReward, [.. steps.Select(s => s.Loss)],
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// As <see cref="Train(GptModel, GptModel, GrpoSpec, IReadOnlyList{VerifiablePrompt}, ulong, Action{GrpoStep}?, CancellationToken)"/>,
    /// from safetensors bytes: the global policy weights and the reference weights, in models of <paramref name="config"/>.
    /// </summary>
    public static GrpoResult Train(byte[] policyWeights, byte[] referenceWeights, GptConfig config, GrpoSpec spec, IReadOnlyList<VerifiablePrompt> prompts,
        ulong seed, Action<GrpoStep>? onStep = null, CancellationToken cancellation = default)
    {
        // Initializer seeds do not matter: every parameter is overwritten.
        var policy = new GptModel(config, seed: 0);
        ModuleWeights.Import(policy, SafeTensorsReader.Read(policyWeights));
        var reference = new GptModel(config, seed: 0);
        ModuleWeights.Import(reference, SafeTensorsReader.Read(referenceWeights));
        return Train(policy, reference, spec, prompts, seed, onStep, cancellation);
    }
}
