using System.Diagnostics;

namespace TrainSwarm.Cli.Devnet;

/// <summary>
/// A `swarm` subcommand running as a separate OS process (coordinator, validator, node), with its output in a log
/// file. Used by `swarm devnet` and by the end-to-end tests, so both run exactly what a user would run.
/// </summary>
public sealed class SwarmProcess : IDisposable
{
    private readonly Process _process;

    private SwarmProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
    }

    /// <summary>A label such as "node-1".</summary>
    public string Name { get; }

    /// <summary>Where stdout and stderr go.</summary>
    public string LogPath { get; }

    /// <summary>The OS process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts `swarm ARGS` with output appended to <paramref name="logPath"/>.</summary>
    /// <param name="program">Another .NET assembly (.dll) to run with the same host instead of `swarm` (a test's helper program).</param>
    /// <param name="cpus">
    /// Cores the process may run on, as `taskset -c` reads them ("0", "1-3"); null: any. Set before the program starts, so every thread
    /// of it inherits the mask (the benchmarks pin nodes and services apart with it).
    /// </param>
    public static SwarmProcess Start(string name, IReadOnlyList<string> args, string logPath, IReadOnlyDictionary<string, string>? environment = null,
        string? program = null, string? cpus = null)
    {
        if (program is not null)
            return StartDll(name, program, args, logPath, environment);
        var (host, prefix) = SelfCommand();
        return cpus is null ? Launch(name, host, prefix, args, logPath, environment)
            : Launch(name, "taskset", ["-c", cpus, host, .. prefix], args, logPath, environment);
    }

    /// <summary>
    /// Starts another .NET program, `dotnet DLL ARGS`, with the same logging and stopping as a `swarm` process (the
    /// end-to-end tests run their cheating nodes this way).
    /// </summary>
    public static SwarmProcess StartDll(
        string name, string dll, IReadOnlyList<string> args, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dll);
        if (!File.Exists(dll))
            throw new FileNotFoundException($"no program at {dll}", dll);
        return Launch(name, DotnetHost(), [dll], args, logPath, environment);
    }

    private static SwarmProcess Launch(
        string name, string program, IReadOnlyList<string> prefix, IReadOnlyList<string> args, string logPath, IReadOnlyDictionary<string, string>? environment)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            RedirectStandardInput = true };
        foreach (var a in prefix.Concat(args))
            info.ArgumentList.Add(a);
        // Plain output: the log is a file, not a terminal.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var sync = new Lock();
        void Write(string? line)
        {
            if (line is null)
                return;
            lock (sync)
                log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => { process.WaitForExit(); lock (sync) log.Dispose(); };
        return new SwarmProcess(name, process, logPath);
    }

    /// <summary>SIGKILL: the process dies at once, without any chance to clean up (what a crash or power loss looks like).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGINT (like Ctrl+C), then SIGKILL if it has not stopped within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
            return;
        if (!OperatingSystem.IsWindows())
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT",
                _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>The exit code (only once exited).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The log so far.</summary>
    public string ReadLog()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>How to run this very `swarm` build again: the apphost directly, or `dotnet swarm.dll`.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        // A self-contained publish runs as its apphost (`swarm`) with no dotnet on the machine: start that again.
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "swarm")
            return (self, []);
        var dll = typeof(SwarmProcess).Assembly.Location;
        return (DotnetHost(), [dll]);
    }

    // The dotnet host running this process (or the one the SDK names), else `dotnet` from the PATH.
    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host) || !File.Exists(host))
            host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return host;
    }
}
