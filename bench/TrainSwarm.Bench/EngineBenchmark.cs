using System.Text.Json.Serialization;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;

namespace TrainSwarm.Bench;

/// <summary>Settings of the engine benchmark; the same knobs as shared/anchors/pytorch_fmnist.py.</summary>
public sealed record EngineBenchOptions(
    string Model, int Epochs = 1, int Batch = 64, int Threads = 2, int Limit = 60000, ulong Seed = 0, string? DataDir = null);

/// <summary>One JSON line: the anchor's keys plus the GEMM path and steady-state allocation per step.</summary>
public sealed record EngineBenchResult(
    [property: JsonPropertyName("framework")] string Framework,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("batch")] int Batch,
    [property: JsonPropertyName("train_samples_per_s")] double TrainSamplesPerSecond,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("test_acc")] double TestAccuracy,
    [property: JsonPropertyName("blas")] string Blas,
    [property: JsonPropertyName("alloc_bytes_per_step")] long AllocBytesPerStep);

/// <summary>Trains a reference model on Fashion-MNIST exactly as the PyTorch anchor does and measures it.</summary>
public static class EngineBenchmark
{
    // Allocation is measured after warm-up, when pools and JIT tiers have settled.
    private const int WarmupSteps = 50;

    public static async Task<EngineBenchResult> RunAsync(EngineBenchOptions o, CancellationToken cancellation = default)
    {
        Engine.Threads = o.Threads;
        var (train, test) = await FashionMnist.LoadAsync(new DatasetLocator(), o.DataDir, cancellationToken: cancellation);
        if (o.Limit < train.Count) train = train.Slice(0, o.Limit);

        var model = ModelPresets.Create(o.Model, o.Seed);
        var optimizer = new Adam(model.Parameters(), lr: 1e-3f);
        var loader = new MiniBatchLoader(train, o.Batch, o.Seed);
        var trainer = new Trainer(model, optimizer, loader, train);

        long allocStart = 0, stepsAtStart = 0;
        var result = trainer.Run(o.Epochs, step =>
        {
            if (step.Steps == WarmupSteps)
            {
                allocStart = GC.GetTotalAllocatedBytes(precise: true);
                stepsAtStart = step.Steps;
            }
        }, cancellation);
        long allocEnd = GC.GetTotalAllocatedBytes(precise: true);
        long measured = result.Steps - stepsAtStart;
        long allocPerStep = stepsAtStart > 0 && measured > 0 ? (allocEnd - allocStart) / measured : -1;

        var eval = Evaluator.Evaluate(model, test);
        return new EngineBenchResult(
            $"trainswarm-{typeof(Tensor).Assembly.GetName().Version?.ToString(3)}", o.Model, o.Threads, o.Epochs, o.Batch,
            Math.Round(result.SamplesPerSecond, 1), Math.Round(result.Elapsed.TotalSeconds, 2), Math.Round(eval.Accuracy, 4),
            Engine.BlasName, allocPerStep);
    }
}
