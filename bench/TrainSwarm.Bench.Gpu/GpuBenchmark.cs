using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TrainSwarm.Cuda;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Tensors;

namespace TrainSwarm.Bench.Gpu;

/// <summary>
/// The figures of `swarm bench gpu`, one dictionary per JSON line: the device; per preset (mlp, cnn) the GPU against the
/// CPU engine on the same batches and two GPU runs compared bitwise; training samples/s beside PyTorch (TF32 off, then on);
/// the GEMM rate.
/// </summary>
public static class GpuBenchmark
{
    /// <summary>Relative error allowed between the GPU's and the CPU's weight change (fp32, different summation orders).</summary>
    public const double SgdTolerance = 1e-4;

    /// <summary>Adam divides by √v, which magnifies rounding in tiny gradients, so its weight change gets a looser bound.</summary>
    public const double AdamTolerance = 1e-3;

    private const int CompareSteps = 20, DeterminismSteps = 300, WarmupSteps = 50;

    /// <summary>Runs every figure; throws <see cref="DeviceUnavailableException"/> (one line) when there is no GPU.</summary>
    public static void Run(GpuBenchOptions options, Action<IReadOnlyDictionary<string, object>> emit, Action<string> log)
    {
        var gpu = DeviceSelector.Select(new DeviceRequest(DeviceRequestKind.Cuda, 0), new CudaProbe(), log).Gpu!;
        var data = new SyntheticSet(GpuBenchOptions.Samples, options.Seed);
        using (var context = new CudaContext(gpu))
        {
            emit(new Dictionary<string, object>
            {
                ["figure"] = "gpu_device", ["kind"] = gpu.Kind, ["memory_mib"] = gpu.MemoryBytes >> 20,
                ["multiprocessors"] = gpu.Multiprocessors, ["driver"] = gpu.DriverVersion,
                ["libraries"] = string.Join(", ", TrainSwarm.Cuda.Diagnostics.LoadedLibraries()),
            });
            foreach (var model in options.ModelList)
            {
                foreach (var settings in new[] { GpuOptimizerSettings.Sgd(0.01f, 0.9f), GpuOptimizerSettings.Adam(1e-3f) })
                    emit(CompareWithCpu(context, model, data, settings, options.Seed));
                emit(RunToRun(context, model, data, options.Seed));
                foreach (var optimizer in new[] { "sgd", "adam" })
                    emit(GpuRoundReplay.Run(gpu, model, optimizer, data, options.Seed));
                if (options.FashionMnistDir is { } directory) emit(FashionMnistEpoch.Run(context, model, directory, options.Seed, 64));
            }
        }
        foreach (bool tf32 in new[] { false, true })
        {
            using var context = new CudaContext(gpu, tf32);
            foreach (var model in options.ModelList)
            foreach (int batch in options.Batches)
            {
                double ours = SamplesPerSecond(context, model, data, batch, options.Steps, options.Seed);
                var line = new Dictionary<string, object>
                {
                    ["figure"] = "gpu_train_samples_per_s", ["model"] = model, ["batch"] = batch, ["tf32"] = tf32, ["steps"] = options.Steps,
                    ["ours"] = Math.Round(ours),
                };
                if (options.Reference)
                {
                    var theirs = PyTorchGpuReference.Run(options.Python, options.Script!, model, batch, options.Steps, tf32, options.Seed);
                    double pytorch = theirs.GetProperty("train_samples_per_s").GetDouble();
                    line["pytorch"] = Math.Round(pytorch);
                    line["pytorch_version"] = theirs.GetProperty("torch").GetString()!;
                    line["ratio"] = Math.Round(ours / pytorch, 3);
                }
                emit(line);
            }
            if (options.Gemm) emit(GemmRate(context, 4096));
        }
    }

    private static int[] Order(int samples, ulong seed, int epoch)
    {
        var order = Enumerable.Range(0, samples).ToArray();
        new Rng(seed * 1000003UL + (ulong)epoch).Shuffle<int>(order);
        return order;
    }

    private static Dictionary<string, object> CompareWithCpu(CudaContext context, string model, SyntheticSet data, GpuOptimizerSettings settings, ulong seed)
    {
        const int batch = 64;
        var order = Order(data.Samples, seed, 0);
        var initial = CpuTwin.InitialParameters(model, seed);
        var cpu = CpuTwin.Train(model, seed, data, order, batch, CompareSteps, settings);
        using var trainer = GpuTrainers.Create(model, context, initial, settings, batch);
        trainer.UploadDataset(data.Images, data.Labels);
        trainer.StartEpoch(order);
        for (int step = 0; step < CompareSteps; step++) trainer.Step(step);
        var gpu = trainer.DownloadParameters();
        double diff = 0, norm = 0, maxAbs = 0;
        for (int p = 0; p < cpu.Length; p++)
            for (int i = 0; i < cpu[p].Length; i++)
            {
                double dc = cpu[p][i] - initial[p][i], dg = gpu[p][i] - initial[p][i];
                diff += (dg - dc) * (dg - dc);
                norm += dc * dc;
                maxAbs = Math.Max(maxAbs, Math.Abs(gpu[p][i] - cpu[p][i]));
            }
        double relative = Math.Sqrt(diff / norm);
        double tolerance = settings.Name == "adam" ? AdamTolerance : SgdTolerance;
        return new Dictionary<string, object>
        {
            ["figure"] = "gpu_vs_cpu_weights", ["model"] = model, ["optimizer"] = settings.Name, ["steps"] = CompareSteps, ["batch"] = batch,
            ["delta_rel_err"] = relative, ["max_abs_weight_diff"] = maxAbs, ["tolerance"] = tolerance, ["pass"] = relative <= tolerance,
        };
    }

    private static Dictionary<string, object> RunToRun(CudaContext context, string model, SyntheticSet data, ulong seed)
    {
        string Once()
        {
            using var trainer = GpuTrainers.Create(model, context, CpuTwin.InitialParameters(model, seed), GpuOptimizerSettings.Adam(1e-3f), 64);
            trainer.UploadDataset(data.Images, data.Labels);
            TrainSteps(trainer, data.Samples, seed, DeterminismSteps);
            var bytes = trainer.DownloadParameters().SelectMany(p => MemoryMarshal.AsBytes(p.AsSpan()).ToArray()).ToArray();
            return Convert.ToHexStringLower(SHA256.HashData(bytes));
        }
        string a = Once(), b = Once();
        return new Dictionary<string, object>
        {
            ["figure"] = "gpu_run_to_run", ["model"] = model, ["steps"] = DeterminismSteps, ["sha256_first"] = a, ["sha256_second"] = b,
            ["bitwise_equal"] = a == b,
        };
    }

    // Steps over as many epochs as it takes, each with its own seeded order.
    private static void TrainSteps(IGpuTrainer trainer, int samples, ulong seed, int steps)
    {
        for (int step = 0; step < steps; step++)
        {
            int inEpoch = step % trainer.BatchesPerEpoch;
            if (inEpoch == 0) trainer.StartEpoch(Order(samples, seed, step / trainer.BatchesPerEpoch));
            trainer.Step(inEpoch);
        }
    }

    private static double SamplesPerSecond(CudaContext context, string model, SyntheticSet data, int batch, int steps, ulong seed)
    {
        using var trainer = GpuTrainers.Create(model, context, CpuTwin.InitialParameters(model, seed), GpuOptimizerSettings.Adam(1e-3f), batch);
        trainer.UploadDataset(data.Images, data.Labels);
        TrainSteps(trainer, data.Samples, seed, WarmupSteps);
        float loss = trainer.LastLoss();
        if (!float.IsFinite(loss)) throw new InvalidOperationException($"the GPU loss is {loss} after warm-up");
        var clock = Stopwatch.StartNew();
        TrainSteps(trainer, data.Samples, seed + 1, steps);
        context.Synchronize();
        return (double)steps * batch / clock.Elapsed.TotalSeconds;
    }

    private static Dictionary<string, object> GemmRate(CudaContext context, int n)
    {
        const int repeats = 20;
        var rng = new Rng(7);
        var host = new float[(long)n * n];
        for (int i = 0; i < host.Length; i++) host[i] = rng.Uniform(-1, 1);
        using var a = context.Allocate(host.Length);
        using var b = context.Allocate(host.Length);
        using var c = context.Allocate(host.Length);
        a.Upload<float>(host);
        b.Upload<float>(host);
        context.Gemm(false, false, n, n, n, a.Address, b.Address, c.Address);
        context.Synchronize();
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++) context.Gemm(false, false, n, n, n, a.Address, b.Address, c.Address);
        context.Synchronize();
        double tflops = 2.0 * n * n * n * repeats / clock.Elapsed.TotalSeconds / 1e12;
        // H100 SXM datasheet peaks (dense): fp32 67 TFLOP/s, TF32 tensor cores 494.7 TFLOP/s.
        double peak = context.Tf32 ? 494.7 : 67.0;
        return new Dictionary<string, object>
        {
            ["figure"] = "gpu_gemm_tflops", ["n"] = n, ["tf32"] = context.Tf32, ["tflops"] = Math.Round(tflops, 2),
            ["h100_sxm_peak_tflops"] = peak, ["share_of_peak"] = Math.Round(tflops / peak, 3),
        };
    }
}
