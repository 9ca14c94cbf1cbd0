using System.Diagnostics;

namespace TrainSwarm.Cli.Tests;

/// <summary>
/// Runs this build's `swarm` (the swarm.dll copied beside the tests) as a real process, with an environment the test
/// controls: HOME is the test's folder and no TRAINSWARM_* variable leaks in from the machine running the tests.
/// </summary>
internal static class NodeCliProcess
{
    /// <summary>The program and the arguments before the command's own: `dotnet path/swarm.dll`, as the devnet runs itself.</summary>
    public static (string Program, string Dll) Command()
    {
        var dll = typeof(SwarmApp).Assembly.Location;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host) || !File.Exists(host))
            host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return (host, dll);
    }

    /// <summary>A start info for `swarm ARGS` with HOME = <paramref name="home"/> and <paramref name="environment"/> added.</summary>
    public static ProcessStartInfo StartInfo(string home, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var (program, dll) = Command();
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            RedirectStandardInput = true };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        Isolate(info.Environment, home, environment);
        return info;
    }

    /// <summary>HOME set, TRAINSWARM_* removed, then the test's own variables.</summary>
    public static void Isolate(IDictionary<string, string?> target, string home, IReadOnlyDictionary<string, string>? environment)
    {
        foreach (var name in target.Keys.Where(k => k.StartsWith("TRAINSWARM_", StringComparison.Ordinal)).ToList())
            target.Remove(name);
        target["HOME"] = home;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            target[name] = value;
    }

    /// <summary>Runs to the end (at most two minutes) and returns the exit code and standard output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string home, IReadOnlyDictionary<string, string>? environment,
        params string[] args)
    {
        using var process = Process.Start(StartInfo(home, environment, args))!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"swarm {string.Join(' ', args)} did not finish in two minutes");
        }
        return (process.ExitCode, await output, await error);
    }
}
