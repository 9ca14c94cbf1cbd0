using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Bench.Gpu.OpChecks;

/// <summary>PyTorch's golden values (tools/golden/make_golden.py), one safetensors file per case, read from the folder they live in.</summary>
public sealed class GoldenSet(string directory)
{
    /// <summary>Where the repository keeps them, relative to its root.</summary>
    public const string RepositoryPath = "tests/TrainSwarm.Nn.Tests/golden";

    /// <summary>The cases `swarm bench gpu-ops` reads: the layers the GPU has, the loss and the two preset models.</summary>
    public static IReadOnlyList<string> Files { get; } = ["linear", "relu", "cross_entropy", "conv2d", "maxpool2d", "mlp", "cnn"];

    public string Directory { get; } = directory;

    /// <summary>
    /// The golden folder: <paramref name="given"/> when set, else tests/TrainSwarm.Nn.Tests/golden above the working directory or the program,
    /// else a golden/ folder beside the program (a test assembly's copy); null when there is none.
    /// </summary>
    public static string? Find(string? given = null)
    {
        if (given is not null) return System.IO.Directory.Exists(given) ? Path.GetFullPath(given) : null;
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RepositoryPath);
                if (File.Exists(Path.Combine(candidate, "linear.safetensors"))) return candidate;
            }
        var beside = Path.Combine(AppContext.BaseDirectory, "golden");
        return File.Exists(Path.Combine(beside, "linear.safetensors")) ? beside : null;
    }

    /// <summary>One case's file; a missing file is a one-line error naming it.</summary>
    public SafeTensorsFile Open(string name)
    {
        var path = Path.Combine(Directory, name + ".safetensors");
        if (!File.Exists(path)) throw new FileNotFoundException($"golden file {path} is missing (tools/golden/make_golden.py writes it)", path);
        return SafeTensorsReader.Read(path);
    }
}
