using System.Diagnostics;
using TrainSwarm.Cuda;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Learning.Models;
using TrainSwarm.Tensors;

namespace TrainSwarm.Daemons.Devices;

/// <summary>A node's GPU benchmark: the registration's figure for the coordinator's time estimates and the dashboard.</summary>
public static class GpuThroughput
{
    /// <summary>
    /// Trains <paramref name="model"/> (mlp or cnn) on <paramref name="gpu"/> for about <paramref name="duration"/>, SGD with momentum, batch
    /// 64, on 4,096 seeded random 28×28 images resident on the device (the speed does not depend on pixel values); returns samples/s.
    /// </summary>
    public static double Measure(GpuInfo gpu, string model, TimeSpan duration, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        const int batch = 64, samples = 4096;
        var rng = new Rng(1);
        var images = new float[samples * 784];
        foreach (ref var v in images.AsSpan())
            v = rng.NextFloat();
        var labels = Enumerable.Range(0, samples).Select(i => i % 10).ToArray();
        var initial = ModelPresets.Create(model, 1).Parameters().Select(p => p.Span.ToArray()).ToList();
        using var context = new CudaContext(gpu);
        using var trainer = GpuTrainers.Create(model, context, initial, GpuOptimizerSettings.Sgd(0.01f, 0.9f), batch);
        trainer.UploadDataset(images, labels);
        trainer.StartEpoch(Enumerable.Range(0, samples).ToArray());
        // One untimed step: kernel loading and the allocator's first requests are not the card's throughput.
        trainer.Step(0);
        trainer.LastLoss();
        var clock = Stopwatch.StartNew();
        long steps = 0;
        while (clock.Elapsed < duration || steps < 3)
        {
            cancellation.ThrowIfCancellationRequested();
            // Steps are queued without waiting; reading the loss every 50 keeps the clock honest about the GPU's work.
            for (int i = 0; i < 50; i++)
                trainer.Step((int)(steps++ % trainer.BatchesPerEpoch));
            trainer.LastLoss();
        }
        return steps * batch / clock.Elapsed.TotalSeconds;
    }
}
