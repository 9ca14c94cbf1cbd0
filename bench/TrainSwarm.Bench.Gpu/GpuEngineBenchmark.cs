using System.Diagnostics;
using TrainSwarm.Cuda;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;

namespace TrainSwarm.Bench.Gpu;

/// <summary>
/// `swarm bench engine --device cuda`: the engine benchmark's run (Fashion-MNIST, Adam 1e-3, the loader's seeded batches) with the
/// training on the GPU, evaluated by the CPU evaluator; the same result line, framework suffixed <c>-cuda</c> and blas <c>cublas</c>.
/// </summary>
public static class GpuEngineBenchmark
{
    public static async Task<EngineBenchResult> RunAsync(GpuInfo gpu, EngineBenchOptions o, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(o);
        var (train, test) = await FashionMnist.LoadAsync(new DatasetLocator(), o.DataDir, cancellationToken: cancellation);
        if (o.Limit < train.Count) train = train.Slice(0, o.Limit);
        var model = ModelPresets.Create(o.Model, o.Seed);
        var parameters = model.Parameters();
        var loader = new MiniBatchLoader(train, o.Batch, o.Seed);
        using var context = new CudaContext(gpu);
        using var trainer = GpuTrainers.Create(o.Model, context, [.. parameters.Select(p => p.Span.ToArray())], GpuOptimizerSettings.Adam(1e-3f),
            o.Batch);
        // Timed as the CPU bench times its loop: from the first step to the last, here with the one upload of the training set.
        var clock = Stopwatch.StartNew();
        trainer.UploadDataset(train.Pixels, train.Labels);
        var order = new int[train.Count];
        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            loader.TakeEpochOrder(order);
            trainer.StartEpoch(order);
            for (int b = 0; b < loader.BatchesPerEpoch; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                trainer.Step(b);
            }
        }
        trainer.LastLoss();
        clock.Stop();
        var trained = trainer.DownloadParameters();
        for (int i = 0; i < parameters.Count; i++) trained[i].CopyTo(parameters[i].Span);
        var eval = Evaluator.Evaluate(model, test);
        long samples = (long)trainer.Steps * o.Batch;
        return new EngineBenchResult(
            $"trainswarm-{typeof(GpuTrainers).Assembly.GetName().Version?.ToString(3)}-cuda", o.Model, o.Threads, o.Epochs, o.Batch,
            Math.Round(samples / clock.Elapsed.TotalSeconds, 1), Math.Round(clock.Elapsed.TotalSeconds, 2), Math.Round(eval.Accuracy, 4),
            "cublas", -1);
    }
}
