using System.Diagnostics;
using TrainSwarm.Cuda;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Optimizers;

namespace TrainSwarm.Bench.Gpu;

/// <summary>
/// One epoch of a preset (mlp, cnn) on the real Fashion-MNIST, on the CPU engine and on the GPU, from the same seed and over
/// the same batches (the loader's seeded order); both evaluated on the 10,000 test images by the CPU evaluator.
/// </summary>
public static class FashionMnistEpoch
{
    public static Dictionary<string, object> Run(CudaContext context, string model, string directory, ulong seed, int batch)
    {
        var train = FashionMnist.LoadTrain(directory);
        var test = FashionMnist.LoadTest(directory);

        var cpuNet = ModelPresets.Create(model, seed);
        var cpuLoader = new MiniBatchLoader(train, batch, seed);
        var cpu = new Trainer(cpuNet, new Adam(cpuNet.Parameters(), 1e-3f), cpuLoader, train).Run(1);
        var cpuEval = Evaluator.Evaluate(cpuNet, test);

        var gpuNet = ModelPresets.Create(model, seed);
        var parameters = gpuNet.Parameters();
        var loader = new MiniBatchLoader(train, batch, seed);
        var clock = Stopwatch.StartNew();
        using (var trainer = GpuTrainers.Create(model, context, [.. parameters.Select(p => p.Span.ToArray())],
                   GpuOptimizerSettings.Adam(1e-3f), batch))
        {
            trainer.UploadDataset(train.Pixels, train.Labels);
            var order = new int[train.Count];
            loader.TakeEpochOrder(order);
            trainer.StartEpoch(order);
            for (int b = 0; b < loader.BatchesPerEpoch; b++) trainer.Step(b);
            var trained = trainer.DownloadParameters();
            for (int i = 0; i < parameters.Count; i++) trained[i].CopyTo(parameters[i].Span);
        }
        double gpuSeconds = clock.Elapsed.TotalSeconds;
        var gpuEval = Evaluator.Evaluate(gpuNet, test);
        return new Dictionary<string, object>
        {
            ["figure"] = "gpu_fmnist_epoch", ["model"] = model, ["batch"] = batch, ["steps"] = cpu.Steps,
            ["cpu_test_acc"] = Math.Round(cpuEval.Accuracy, 4), ["gpu_test_acc"] = Math.Round(gpuEval.Accuracy, 4),
            ["cpu_train_s"] = Math.Round(cpu.Elapsed.TotalSeconds, 2), ["gpu_train_s_with_upload"] = Math.Round(gpuSeconds, 3),
        };
    }
}
