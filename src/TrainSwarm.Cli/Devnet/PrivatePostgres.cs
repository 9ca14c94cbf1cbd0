using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TrainSwarm.Cli.Devnet;

/// <summary>
/// A throwaway PostgreSQL server for a devnet or a benchmark, as ./test.sh starts one: <c>initdb</c> into a new temp folder
/// (trust authentication, listening on 127.0.0.1 only, on a free port), <c>pg_ctl start</c>, and on dispose <c>pg_ctl stop</c>
/// and the folder deleted. Run as root, the server runs as the <c>postgres</c> user (PostgreSQL refuses to run as root).
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;
    private readonly int _port;

    private PrivatePostgres(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        _port = port;
        Connection = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    /// <summary>The connection string (user postgres, database postgres).</summary>
    public string Connection { get; }

    /// <summary>The newest installed server's bin folder, or null when PostgreSQL is not installed.</summary>
    public static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderBy(b => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : new Version(0, 0)).LastOrDefault()
            : null;

    /// <summary>Creates and starts the server; a one-line <see cref="CliException"/> when PostgreSQL is not installed or does not start.</summary>
    public static async Task<PrivatePostgres> StartAsync(CancellationToken cancellation)
    {
        var bin = FindBin() ?? throw new CliException(
            "postgresql is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql");
        var folder = Path.Combine(Path.GetTempPath(), "trainswarm-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var server = new PrivatePostgres(bin, folder, FreePort());
        try
        {
            if (Environment.IsPrivilegedProcess)
                await RunAsync("chown", ["postgres:postgres", folder], cancellation);
            await server.RunAsPostgresAsync("initdb", ["-D", folder, "-A", "trust", "-U", "postgres"], cancellation);
            await server.RunAsPostgresAsync("pg_ctl", ["-D", folder, "-l", Path.Combine(folder, "server.log"), "-w", "-o",
                $"-c listen_addresses=127.0.0.1 -c port={server._port} -c unix_socket_directories={folder}", "start"], cancellation);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private Task RunAsPostgresAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellation) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args], cancellation)
            : RunAsync(Path.Combine(_bin, tool), args, cancellation);

    private static async Task RunAsync(string program, IReadOnlyList<string> args, CancellationToken cancellation)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new CliException($"could not run {program}");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
            throw new CliException($"{Path.GetFileName(program)} {args.LastOrDefault()} failed (exit {process.ExitCode}): " +
                $"{(await errors + await output).Trim().Split('\n').LastOrDefault()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the server (fast shutdown) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(_folder, "postmaster.pid")))
                await RunAsPostgresAsync("pg_ctl", ["-D", _folder, "-m", "fast", "-w", "stop"], CancellationToken.None);
        }
        catch (CliException)
        {
            // Stopping is best effort: the folder goes either way.
        }
        Directory.Delete(_folder, recursive: true);
    }
}
