using TrainSwarm.Cuda;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn;

namespace TrainSwarm.Cli.Commands.Train;

/// <summary>
/// `swarm train --device cuda` for the mlp preset: the same initial weights and the same batches as the CPU trainer
/// (the loader's own seeded order), trained by the CUDA backend; the weights come back into the module at the end so
/// evaluation and saving are the CPU path's.
/// </summary>
internal static class GpuMlpTraining
{
    /// <summary>Whether the CUDA backend trains this model with this optimizer (the mlp preset with adam or sgd, so far).</summary>
    public static bool Supports(string model, string optimizer) => model == "mlp" && optimizer is "adam" or "sgd";

    public static TrainResult Run(GpuInfo gpu, Module net, string optimizer, float lr, MiniBatchLoader loader, LabeledImages train, int epochs,
        Action<long, float> progress, CancellationToken cancellation)
    {
        var parameters = net.Parameters();
        // The preset's Linear weights are (Out, In): the widths are In of the first, then each Out.
        int[] widths = [parameters[0].Size(1), .. parameters.Where((_, i) => i % 2 == 0).Select(w => w.Size(0))];
        var settings = optimizer == "adam" ? GpuOptimizerSettings.Adam(lr) : GpuOptimizerSettings.Sgd(lr, 0.9f);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var context = new CudaContext(gpu);
        using var trainer = new GpuMlpTrainer(context, widths, [.. parameters.Select(p => p.Span.ToArray())], settings, loader.BatchSize);
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
