using System.Diagnostics;
using System.Text.Json;

namespace TrainSwarm.Bench;

/// <summary>Runs tools/bench/cartpole_numpy.py, the NumPy CartPole that `swarm bench rl` measures beside ours in the same session.</summary>
public static class NumPyCartPole
{
    /// <summary>Finds tools/bench/cartpole_numpy.py in the checkout (from the working directory or the assembly upward).</summary>
    public static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "bench", "cartpole_numpy.py");
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>Throughput at each of <paramref name="envs"/>: one JSON object per count.</summary>
    public static async Task<IReadOnlyList<JsonElement>> ThroughputAsync(string python, string script, IReadOnlyList<int> envs, long envSteps,
        CancellationToken cancellation)
    {
        var args = new List<string> { script, "--env-steps", envSteps.ToString(), "--envs" };
        args.AddRange(envs.Select(n => n.ToString()));
        var stdout = await RunAsync(python, args, cancellation);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    /// <summary>NumPy's states after each step from the same initial states and actions; the largest |ours - NumPy| over all of them.</summary>
    public static async Task<double> MaxStateDifferenceAsync(string python, string script, int envs, int steps, ulong seed, CancellationToken cancellation)
    {
        var (initial, actions, ours) = RlBenchmark.CartPoleTrajectory(envs, steps, seed);
        var folder = Directory.CreateTempSubdirectory("swarm-bench-rl-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "shape.txt"), $"{steps} {envs}", cancellation);
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "init.f64"), ToBytes(initial), cancellation);
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "actions.u8"), actions, cancellation);
            await RunAsync(python, [script, "--trajectory", folder.FullName], cancellation);
            var bytes = await File.ReadAllBytesAsync(Path.Combine(folder.FullName, "states.f64"), cancellation);
            if (bytes.Length != ours.Length * 8)
                throw new InvalidOperationException($"the NumPy trajectory has {bytes.Length} bytes, expected {ours.Length * 8}");
            double worst = 0;
            for (int i = 0; i < ours.Length; i++)
                worst = Math.Max(worst, Math.Abs(ours[i] - BitConverter.ToDouble(bytes, i * 8)));
            return worst;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static byte[] ToBytes(double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }

    private static async Task<string> RunAsync(string python, IEnumerable<string> args, CancellationToken cancellation)
    {
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"the NumPy CartPole failed (exit {process.ExitCode}): {(await stderr).Trim().Split('\n').LastOrDefault()}");
        return await stdout;
    }
}
