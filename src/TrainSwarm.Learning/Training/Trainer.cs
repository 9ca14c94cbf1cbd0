using System.Diagnostics;
using TrainSwarm.Learning.Data;
using TrainSwarm.Nn;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// The supervised training loop: batches from a seeded loader, forward, cross-entropy, backward, optimizer step.
/// One tensor scope is reset every step, so steady-state steps allocate almost nothing.
/// </summary>
public sealed class Trainer
{
    private readonly Module _model;
    private readonly Optimizer _optimizer;
    private readonly MiniBatchLoader _loader;
    private readonly Tensor _input;
    private readonly int[] _labels;

    public Trainer(Module model, Optimizer optimizer, MiniBatchLoader loader, LabeledImages data)
    {
        _model = model;
        _optimizer = optimizer;
        _loader = loader;
        _input = Tensor.Persistent(loader.BatchSize, data.Channels, data.Height, data.Width);
        _labels = new int[loader.BatchSize];
    }

    /// <summary>Steps taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>Samples trained on so far.</summary>
    public long Samples { get; private set; }

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs; <paramref name="onStep"/> sees each step's loss and running totals.
    /// </summary>
    public TrainResult Run(int epochs, Action<StepInfo>? onStep = null, CancellationToken cancellation = default)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), "epochs must be at least 1");
        var clock = Stopwatch.StartNew();
        float lastLoss = float.NaN;
        using var scope = TensorScope.Begin();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            _loader.StartEpoch();
            while (_loader.TryNext(_input.Span, _labels))
            {
                cancellation.ThrowIfCancellationRequested();
                lastLoss = Step();
                scope.Reset();
                onStep?.Invoke(new StepInfo(epoch, _loader.BatchIndex, _loader.BatchesPerEpoch, Steps, Samples, lastLoss, clock.Elapsed));
            }
        }
        return new TrainResult(Steps, Samples, clock.Elapsed, lastLoss);
    }

    /// <summary>One optimizer step on the batch already in the input buffer; returns the batch's loss.</summary>
    private float Step()
    {
        _optimizer.ZeroGrad();
        var logits = _model.Forward(_input);
        var loss = Ops.CrossEntropy(logits, _labels);
        loss.Backward();
        using (GradMode.NoGrad()) _optimizer.Step();
        Steps++;
        Samples += _labels.Length;
        return loss.Item();
    }
}

/// <summary>Progress after one step.</summary>
public readonly record struct StepInfo(int Epoch, int BatchInEpoch, int BatchesPerEpoch, long Steps, long Samples, float Loss, TimeSpan Elapsed)
{
    /// <summary>Samples per second since training started.</summary>
    public double SamplesPerSecond => Elapsed.TotalSeconds > 0 ? Samples / Elapsed.TotalSeconds : 0;
}

/// <summary>Totals of a training run.</summary>
public readonly record struct TrainResult(long Steps, long Samples, TimeSpan Elapsed, double LastLoss)
{
    /// <summary>Training throughput over the whole run.</summary>
    public double SamplesPerSecond => Elapsed.TotalSeconds > 0 ? Samples / Elapsed.TotalSeconds : 0;
}
