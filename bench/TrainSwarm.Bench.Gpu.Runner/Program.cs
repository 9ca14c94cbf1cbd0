using System.Text.Json;
using TrainSwarm.Bench.Gpu;
using TrainSwarm.Cuda.Selection;

// swarm-bench-gpu [--reference] [--steps N] [--batches 64,512] [--models mlp,cnn] [--python PATH] [--dataset-dir DIR]: what `swarm bench gpu` prints.
var reference = args.Contains("--reference");
string Value(string name, string fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
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
