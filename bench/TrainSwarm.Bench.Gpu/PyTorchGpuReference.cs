using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace TrainSwarm.Bench.Gpu;

/// <summary>Runs tools/bench/pytorch_gpu_train.py: the same model (mlp or cnn), batch, optimizer and step count in PyTorch eager on the same GPU.</summary>
public static class PyTorchGpuReference
{
    public const string ScriptName = "pytorch_gpu_train.py";

    /// <summary>Finds tools/bench/pytorch_gpu_train.py above the working directory or the program's folder.</summary>
    public static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "bench", ScriptName);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>The script's JSON line for one model, batch size and TF32 setting.</summary>
    public static JsonElement Run(string python, string script, string model, int batch, int steps, bool tf32, ulong seed)
    {
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { script, "--model", model, "--batch", batch.ToString(CultureInfo.InvariantCulture),
                     "--steps", steps.ToString(CultureInfo.InvariantCulture),
                     "--tf32", tf32 ? "1" : "0", "--seed", seed.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} exited with {process.ExitCode}: {stderr.Result.Trim().Split('\n').LastOrDefault()}");
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        return JsonDocument.Parse(last).RootElement.Clone();
    }
}
