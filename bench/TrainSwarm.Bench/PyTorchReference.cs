using System.Diagnostics;
using System.Text.Json;

namespace TrainSwarm.Bench;

/// <summary>Runs the PyTorch anchor script with the same settings, so both figures come from one session on one machine.</summary>
public static class PyTorchReference
{
    /// <summary>Default interpreter: Debian's, which has python3-torch.</summary>
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary>Finds shared/anchors/pytorch_fmnist.py beside the repository (the checkout's sibling folder).</summary>
    public static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "anchors", "pytorch_fmnist.py"),
                                                  Path.Combine(dir.FullName, "..", "shared", "anchors", "pytorch_fmnist.py") })
                    if (File.Exists(candidate)) return Path.GetFullPath(candidate);
            }
        }
        return null;
    }

    /// <summary>Runs the script for one model and returns its JSON line.</summary>
    public static async Task<JsonElement> RunAsync(string script, EngineBenchOptions o, string python = DefaultPython, CancellationToken cancellation = default)
    {
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The same OpenBLAS kernels as ours: the engine may have chosen them for this CPU (see Engine.OpenBlasCoreType).
        if (TrainSwarm.Tensors.Engine.OpenBlasCoreType is { } core) psi.Environment["OPENBLAS_CORETYPE"] = core;
        foreach (var arg in new[] { script, "--threads", o.Threads.ToString(), "--epochs", o.Epochs.ToString(), "--batch", o.Batch.ToString(),
                                    "--limit", o.Limit.ToString(), "--only", o.Model })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"the PyTorch reference failed (exit {process.ExitCode}): {(await stderr).Trim().Split('\n').LastOrDefault()}");
        var line = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException("the PyTorch reference printed nothing");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
