using System.Diagnostics;
using System.Runtime.InteropServices;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Daemons.Devices;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Node;

/// <summary>Measures the machine a node runs on, for the coordinator's time estimates and the dashboard.</summary>
public static class MachineProbe
{
    /// <summary>The reference model the benchmark trains.</summary>
    public const string BenchmarkModel = "mlp";

    /// <summary>Cores, memory, OS, CPU name and the CPU engine's device kind.</summary>
    public static Hardware Hardware() => new(
        Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, RuntimeInformation.OSDescription, CpuName(),
        Device: Engine.DeviceKind);

    /// <summary>
    /// <see cref="Hardware()"/>, and when the node trains on <paramref name="gpu"/>, that GPU with its throughput measured for about
    /// <paramref name="duration"/> (<see cref="GpuThroughput"/>); the device kind is then the GPU's.
    /// </summary>
    public static Hardware Hardware(GpuInfo? gpu, TimeSpan duration, CancellationToken cancellation = default)
    {
        var cpu = Hardware();
        if (gpu is null)
            return cpu;
        var samplesPerSecond = GpuThroughput.Measure(gpu, BenchmarkModel, duration, cancellation);
        return cpu with { Gpu = new GpuHardware(gpu.Name, gpu.MemoryBytes, gpu.Kind, samplesPerSecond), Device = gpu.Kind };
    }

    /// <summary>
    /// Trains the <c>mlp</c> preset on random 28×28 images for about <paramref name="duration"/> and returns its
    /// throughput. Synchronous: it runs on the calling thread like any training loop.
    /// </summary>
    public static Benchmark Measure(TimeSpan duration, CancellationToken cancellation = default)
    {
        const int batch = 64;
        var rng = new Rng(1);
        var model = ModelPresets.Create(BenchmarkModel, 1);
        var optimizer = new Sgd(model.Parameters(), 0.01f, momentum: 0.9f);
        var input = Tensor.Persistent(batch, 1, 28, 28);
        foreach (ref var v in input.Span)
            v = rng.NextFloat();
        var labels = Enumerable.Range(0, batch).Select(i => i % 10).ToArray();

        using var scope = TensorScope.Begin();
        // One untimed step first: JIT compilation and pool warm-up are not the machine's throughput.
        Step();
        var clock = Stopwatch.StartNew();
        long samples = 0;
        while (clock.Elapsed < duration || samples < 3 * batch)
        {
            cancellation.ThrowIfCancellationRequested();
            Step();
            samples += batch;
        }
        return new Benchmark(BenchmarkModel, samples / clock.Elapsed.TotalSeconds);

        void Step()
        {
            optimizer.ZeroGrad();
            var loss = Ops.CrossEntropy(model.Forward(input), labels);
            loss.Backward();
            using (GradMode.NoGrad()) optimizer.Step();
            scope.Reset();
        }
    }

    // Linux names the CPU in /proc/cpuinfo; elsewhere the architecture is the best we know without native calls.
    private static string CpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
                        return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
