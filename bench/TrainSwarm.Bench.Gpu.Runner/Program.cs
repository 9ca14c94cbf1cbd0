using System.Text.Json;
using TrainSwarm.Bench.Gpu;
using TrainSwarm.Bench.Gpu.OpChecks;
using TrainSwarm.Cuda.Selection;

// swarm-bench-gpu ops [--ops conv2d,maxpool2d] [--golden-dir DIR]: what `swarm bench gpu-ops` prints.
// swarm-bench-gpu [--reference] [--steps N] [--batches 64,512] [--models mlp,cnn] [--python PATH] [--dataset-dir DIR]: what `swarm bench gpu` prints.
var reference = args.Contains("--reference");
string Value(string name, string fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
if (args.FirstOrDefault() == "ops")
{
    var golden = GoldenSet.Find(Value("--golden-dir", "") is { Length: > 0 } given ? given : null);
    if (golden is null)
    {
        Console.Error.WriteLine($"swarm-bench-gpu: no golden values ({GoldenSet.RepositoryPath}); pass --golden-dir");
        return 1;
    }
    try
    {
        return GpuOpsBenchmark.Run(golden, Value("--ops", ""), 1, line => Console.WriteLine(JsonSerializer.Serialize(line)), Console.Error.WriteLine) == 0
            ? 0 : 1;
    }
    catch (Exception e) when (e is DeviceUnavailableException or ArgumentException)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
}
var options = new GpuBenchOptions([.. Value("--batches", "64,512").Split(',').Select(int.Parse)], int.Parse(Value("--steps", "2000")), 0,
    reference, Value("--python", "python3"), reference ? PyTorchGpuReference.FindScript() : null,
    FashionMnistDir: Value("--dataset-dir", "") is { Length: > 0 } dir ? dir : null, Models: Value("--models", "mlp,cnn").Split(','));
if (reference && options.Script is null)
{
    Console.Error.WriteLine("swarm-bench-gpu: tools/bench/pytorch_gpu_train.py not found");
    return 1;
}
try
{
    GpuBenchmark.Run(options, line => Console.WriteLine(JsonSerializer.Serialize(line)), Console.Error.WriteLine);
    return 0;
}
catch (DeviceUnavailableException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
