using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TrainSwarm.Cli.Tests.Devnet;

/// <summary>
/// Colour as a person and a log file see it, through real `swarm` processes: `swarm devnet > log` once wrote escape codes
/// into the file. A file or a pipe gets none (whatever TERM says); a terminal gets colour unless NO_COLOR is set.
/// </summary>
public sealed partial class ConsoleColorTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"swarm-color-{Guid.NewGuid():N}")).FullName;

    private string Socket => Path.Combine(_dir, "tmux.sock");

    public void Dispose()
    {
        try
        {
            Tmux("kill-server");
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // No tmux server was started by this test.
        }
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_devnet_written_to_a_pipe_carries_no_escape_codes_even_with_a_colour_terminal_type()
    {
        var data = Path.Combine(_dir, "devnet");
        var info = NodeCliProcess.StartInfo(Path.Combine(_dir, "home"), new Dictionary<string, string> { ["TERM"] = "xterm-256color" },
            "devnet", "--preset", "mlp", "--nodes", "1", "--rounds", "1", "--inner-steps", "5", "--data-dir", data,
            "--dataset-dir", "/usr/share/datasets/fashion-mnist");
        info.Environment.Remove("NO_COLOR");
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(Deadline))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"swarm devnet did not finish within {Deadline.TotalMinutes} minutes:\n{await output}");
            }
        }

        var text = await output;
        Assert.True(process.ExitCode == 0, text + await error);
        Assert.Contains("balanced", text, StringComparison.Ordinal); // it ran to the invoice, so every kind of line was written
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u001b', await error);
        var logs = Directory.GetFiles(Path.Combine(data, "logs"));
        Assert.NotEmpty(logs);
        foreach (var log in logs)
            Assert.False((await File.ReadAllTextAsync(log)).Contains('\u001b', StringComparison.Ordinal), $"{log} holds escape codes");
    }

    [Fact]
    public async Task On_a_terminal_the_coordinator_is_coloured_unless_NO_COLOR_is_set()
    {
        RequireTmux();
        // Without NO_COLOR the same terminal shows colours: the check below can tell the two apart.
        Assert.NotEmpty(ColorCodes(await CoordinatorScreenAsync("plain", noColor: null)));
        Assert.Empty(ColorCodes(await CoordinatorScreenAsync("nocolor", noColor: "1")));
    }

    // The coordinator's first screen in a real terminal (tmux), escape codes kept (-e).
    private async Task<string> CoordinatorScreenAsync(string session, string? noColor)
    {
        var (program, dll) = NodeCliProcess.Command();
        var env = noColor is null ? "env -u NO_COLOR" : $"env NO_COLOR={noColor}";
        var command = $"{env} TERM=xterm-256color {Quote(program)} {Quote(dll)} coordinator run --devnet --url http://127.0.0.1:0 " +
                      $"--data-dir {Quote(Path.Combine(_dir, session))}; sleep 600";
        Tmux("new-session", "-d", "-x", "200", "-y", "40", "-s", session, command);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadline)
        {
            var screen = Tmux("capture-pane", "-p", "-e", "-J", "-t", session);
            if (screen.Contains("listening on", StringComparison.Ordinal))
            {
                Tmux("kill-session", "-t", session);
                return screen;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"the coordinator did not start within {Deadline.TotalMinutes} minutes");
        return "";
    }

    // Select Graphic Rendition codes that set a colour (30-38, 40-48, 90-97, 100-107); bold and resets are not colour.
    private static List<string> ColorCodes(string screen) =>
        [.. Sgr().Matches(screen).SelectMany(m => m.Groups[1].Value.Split(';'))
            .Where(p => int.TryParse(p, out var n) && n is (>= 30 and <= 38) or (>= 40 and <= 48) or (>= 90 and <= 97) or (>= 100 and <= 107))];

    [GeneratedRegex(@"\u001b\[([0-9;]*)m")]
    private static partial Regex Sgr();

    private static void RequireTmux()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("tmux", "-V") { UseShellExecute = false, RedirectStandardOutput = true })!;
            probe.WaitForExit();
        }
        catch (Win32Exception)
        {
            Assert.Fail("tmux is not installed; install it (Debian: apt-get install tmux, which test.sh does) to run the terminal test");
        }
    }

    private string Tmux(params string[] args)
    {
        var info = new ProcessStartInfo("tmux") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-S");
        info.ArgumentList.Add(Socket);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        NodeCliProcess.Isolate(info.Environment, Path.Combine(_dir, "home"), null);
        info.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} exited {process.ExitCode}: {error.Trim()}");
        return output;
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
