using TrainSwarm.Cuda;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn;

namespace TrainSwarm.Cli.Commands.Train;

/// <summary>
/// `swarm train --device cuda` for the presets the CUDA backend runs (mlp, cnn): the same initial weights and the same batches as the CPU trainer
/// (the loader's own seeded order), trained by the CUDA backend; the weights come back into the module at the end so
/// evaluation and saving are the CPU path's.
/// </summary>
internal static class GpuPresetTraining
{
    public static TrainResult Run(GpuInfo gpu, string model, Module net, string optimizer, float lr, MiniBatchLoader loader, LabeledImages train, int epochs,
        Action<long, float> progress, CancellationToken cancellation)
    {
        var parameters = net.Parameters();
        var settings = optimizer == "adam" ? GpuOptimizerSettings.Adam(lr) : GpuOptimizerSettings.Sgd(lr, 0.9f);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var context = new CudaContext(gpu);
        using var trainer = GpuTrainers.Create(model, context, [.. parameters.Select(p => p.Span.ToArray())], settings, loader.BatchSize);
        trainer.UploadDataset(train.Pixels, train.Labels);
        var order = new int[train.Count];
        float loss = float.NaN;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            loader.TakeEpochOrder(order);
            trainer.StartEpoch(order);
            for (int batch = 0; batch < loader.BatchesPerEpoch; batch++)
            {
                cancellation.ThrowIfCancellationRequested();
                trainer.Step(batch);
                // Reading the loss waits for the GPU, so it is read only as often as the progress bar shows it.
                if (trainer.Steps % 100 == 0) progress(trainer.Steps, loss = trainer.LastLoss());
            }
        }
        loss = trainer.LastLoss();
        var trained = trainer.DownloadParameters();
        for (int i = 0; i < parameters.Count; i++) trained[i].CopyTo(parameters[i].Span);
        progress(trainer.Steps, loss);
        return new TrainResult(trainer.Steps, (long)trainer.Steps * loader.BatchSize, clock.Elapsed, loss);
    }
}
