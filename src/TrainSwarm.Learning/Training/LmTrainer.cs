using System.Diagnostics;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// Next-token training settings: nanoGPT's defaults for small models (AdamW β = (0.9, 0.95), weight decay 0.1 on the
/// matrices, clipping at global norm 1, warm-up then cosine decay to a tenth of the peak).
/// </summary>
/// <param name="DecaySteps">Where the cosine reaches <paramref name="MinLr"/>; null: at the last step.</param>
/// <param name="ScheduleOffset">
/// Where on the schedule step 0 of this run is: a swarm node's round r starts at r × H of one schedule over the whole job.
/// </param>
public sealed record LmTrainingSpec(
    int BatchSize, int SeqLen, int Steps, double MaxLr = 1e-3, double MinLr = 1e-4, int WarmupSteps = 10, int? DecaySteps = null,
    double WeightDecay = 0.1, double Beta1 = 0.9, double Beta2 = 0.95, double GradClip = 1.0, int ScheduleOffset = 0)
{
    /// <summary>The schedule these settings give.</summary>
    public CosineSchedule Schedule => new(MaxLr, MinLr, WarmupSteps, DecaySteps ?? Steps);

    internal void Validate(GptConfig config)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SeqLen);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Steps);
        ArgumentOutOfRangeException.ThrowIfNegative(ScheduleOffset);
        if (SeqLen > config.BlockSize) throw new ArgumentException($"sequence length {SeqLen} is longer than the model's context {config.BlockSize}");
        if (!(GradClip > 0)) throw new ArgumentException("gradient clip must be positive");
    }
}

/// <summary>One training step's facts.</summary>
public readonly record struct LmStep(int Step, int Steps, float Loss, double LearningRate, double GradNorm, long Tokens, TimeSpan Elapsed)
{
    /// <summary>Training tokens per second so far.</summary>
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? Tokens / Elapsed.TotalSeconds : 0;
}

/// <summary>What a training run produced.</summary>
/// <param name="Weights">The trained parameters (copies, model order, state_dict names).</param>
/// <param name="LossCurve">Every step's training loss, in order.</param>
public sealed record LmTrainingResult(IReadOnlyList<NamedArray> Weights, IReadOnlyList<float> LossCurve, long Tokens, double ComputeSeconds);

/// <summary>
/// Next-token training of a <see cref="GptModel"/> on a token stream. Batches are B windows of T+1 tokens at offsets drawn
/// from the seed; everything is fixed by (weights, spec, tokens, seed), and the engine is bitwise deterministic for any
/// thread count, so a replay of the same inputs reproduces the weights exactly (what a round's validator relies on).
/// </summary>
public sealed class LmTrainer
{
    private readonly GptModel _model;
    private readonly LmTrainingSpec _spec;
    private readonly AdamW _optimizer;
    private readonly Rng _rng;
    private readonly ReadOnlyMemory<int> _tokens;
    private readonly int[] _inputs, _targets;

    public LmTrainer(GptModel model, LmTrainingSpec spec, ReadOnlyMemory<int> tokens, ulong seed)
    {
        spec.Validate(model.Config);
        if (tokens.Length < spec.SeqLen + 1) throw new ArgumentException($"{tokens.Length} tokens are too few for windows of {spec.SeqLen + 1}");
        _model = model;
        _spec = spec;
        _tokens = tokens;
        _rng = new Rng(seed);
        _optimizer = new AdamW(model.ParameterGroups((float)spec.WeightDecay), (float)spec.MaxLr, (float)spec.Beta1, (float)spec.Beta2);
        _inputs = new int[spec.BatchSize * spec.SeqLen];
        _targets = new int[spec.BatchSize * spec.SeqLen];
    }

    /// <summary>Steps taken so far.</summary>
    public int StepsTaken { get; private set; }

    /// <summary>The optimizer (its state is part of a checkpoint).</summary>
    public AdamW Optimizer => _optimizer;

    /// <summary>
    /// Moves a fresh trainer to just after step <paramref name="steps"/> without training: draws and drops those steps' batch
    /// offsets, so the next <see cref="Step"/> samples and schedules exactly as the full run's step <paramref name="steps"/> + 1.
    /// A replay calls it and then loads the committed state (weights and AdamW moments) of that step.
    /// </summary>
    public void SkipTo(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (StepsTaken != 0) throw new InvalidOperationException("only a fresh trainer can skip ahead");
        int range = _tokens.Length - _spec.SeqLen;
        for (long i = 0; i < (long)steps * _spec.BatchSize; i++)
            _rng.NextInt(range);
        StepsTaken = steps;
    }

    /// <summary>One step: sample a batch, forward, backward, clip, AdamW at the scheduled rate. Returns (loss, gradient norm, lr).</summary>
    public (float Loss, double GradNorm, double Lr) Step()
    {
        int t = _spec.SeqLen;
        var tokens = _tokens.Span;
        for (int b = 0; b < _spec.BatchSize; b++)
        {
            int offset = _rng.NextInt(tokens.Length - t);
            tokens.Slice(offset, t).CopyTo(_inputs.AsSpan(b * t, t));
            tokens.Slice(offset + 1, t).CopyTo(_targets.AsSpan(b * t, t));
        }
        double lr = _spec.Schedule.At(_spec.ScheduleOffset + StepsTaken);
        float loss;
        double norm;
        using (TensorScope.Begin())
        {
            _optimizer.ZeroGrad();
            var logits = _model.Forward(_inputs, _spec.BatchSize, t);
            var l = Ops.CrossEntropy(logits, _targets);
            loss = l.Item();
            l.Backward();
        }
        using (GradMode.NoGrad())
        {
            norm = GradientClipping.ClipGradNorm(_optimizer.Parameters, _spec.GradClip);
            _optimizer.LearningRate = (float)lr;
            _optimizer.Step();
        }
        StepsTaken++;
        return (loss, norm, lr);
    }

    /// <summary>
    /// Trains spec.Steps steps of <paramref name="model"/> on <paramref name="tokens"/> from <paramref name="seed"/> and returns
    /// the weights and loss curve: the call a round trainer makes (load the global weights into the model first).
    /// </summary>
    public static LmTrainingResult Train(GptModel model, LmTrainingSpec spec, ReadOnlyMemory<int> tokens, ulong seed,
        Action<LmStep>? onStep = null, CancellationToken cancellation = default)
    {
        var trainer = new LmTrainer(model, spec, tokens, seed);
        var curve = new List<float>(spec.Steps);
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < spec.Steps; s++)
        {
            cancellation.ThrowIfCancellationRequested();
            var (loss, norm, lr) = trainer.Step();
            curve.Add(loss);
            onStep?.Invoke(new LmStep(s + 1, spec.Steps, loss, lr, norm, (long)(s + 1) * spec.BatchSize * spec.SeqLen, clock.Elapsed));
        }
        return new LmTrainingResult(ModuleWeights.Export(model), curve, (long)spec.Steps * spec.BatchSize * spec.SeqLen, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// As <see cref="Train(GptModel, LmTrainingSpec, ReadOnlyMemory{int}, ulong, Action{LmStep}?, CancellationToken)"/>, starting from
    /// <paramref name="baseWeights"/> (safetensors bytes) in a model of <paramref name="config"/>.
    /// </summary>
    public static LmTrainingResult Train(byte[] baseWeights, GptConfig config, LmTrainingSpec spec, ReadOnlyMemory<int> tokens, ulong seed,
        Action<LmStep>? onStep = null, CancellationToken cancellation = default)
    {
        // The initializer seed does not matter: every parameter is overwritten by the base weights.
        var model = new GptModel(config, seed: 0);
        ModuleWeights.Import(model, SafeTensorsReader.Read(baseWeights));
        return Train(model, spec, tokens, seed, onStep, cancellation);
    }
}
