using System.ComponentModel;
using System.Diagnostics;
using TrainSwarm.Cli.Commands.Node;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Tests.Node;

/// <summary>
/// `swarm node setup` answered by "a person" in a real terminal: tmux runs the built CLI in a 120×40 pane, the test
/// reads the screen (capture-pane) and types (send-keys). Its config must equal the one the unattended run writes
/// from the same answers given as flags.
/// </summary>
public sealed class SetupTmuxTests : IDisposable
{
    private static readonly TimeSpan PromptTimeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"swarm-tmux-{Guid.NewGuid():N}");
    private readonly string _home;
    private readonly ITestOutputHelper _output;

    public SetupTmuxTests(ITestOutputHelper output)
    {
        _output = output;
        _home = Directory.CreateDirectory(Path.Combine(_dir, "home")).FullName;
    }

    // A private tmux server (its own socket) so no other tmux on the machine, and none of its environment, is involved.
    private string Socket => Path.Combine(_dir, "tmux.sock");

    public void Dispose()
    {
        try
        {
            Tmux("kill-server");
        }
        catch (InvalidOperationException)
        {
            // No server was started, or it has already exited.
        }
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_wizard_in_a_real_terminal_writes_the_same_config_as_the_flags()
    {
        RequireTmux();
        var pem = Path.Combine(_dir, "import.pem");
        using (var key = ActorKey.Generate())
            key.Save(pem);
        var keyPath = Path.Combine(_dir, "keys", "node.pem");
        var unattended = Path.Combine(_dir, "unattended.json");
        var interactive = Path.Combine(_dir, "interactive.json");

        var (code, output, error) = await NodeCliProcess.RunAsync(_home, null, "node", "setup", "--yes", "--config", unattended, "--key", keyPath,
            "--import-key", pem, "--coordinator", "http://10.1.2.3:7070", "--dataset", "fashion-mnist,mnist", "--min-reward", "0.25",
            "--max-reward", "4", "--max-stake", "1.5", "--skip-benchmark");
        Assert.True(code == 0, output + error);

        var (program, dll) = NodeCliProcess.Command();
        // The pane stays open after the command so its last screen (and exit code) can be read.
        var command = $"{Quote(program)} {Quote(dll)} node setup --config {Quote(interactive)} --key {Quote(keyPath)} --benchmark-seconds 1; " +
                      "echo \"setup exit code $?\"; sleep 600";
        Tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "setup", command);

        await WaitForScreen(NodeSetupPrompts.KeyQuestion);
        await WaitForScreen("Import a PEM file");
        SendKeys("Down"); // the choices: keep the existing key (written by the run above), import a PEM file
        SendKeys("Enter");
        await Answer(NodeSetupPrompts.ImportQuestion, pem);
        await Answer(NodeSetupPrompts.CoordinatorQuestion, "http://10.1.2.3:7070");
        await Answer(NodeSetupPrompts.DatasetsQuestion, "fashion-mnist,mnist");
        await Answer(NodeSetupPrompts.MinRewardQuestion, "abc");
        await WaitForScreen("error: 'abc' is not a token amount"); // asked again
        SendText("0.25");
        SendKeys("Enter");
        await Answer(NodeSetupPrompts.MaxRewardQuestion, "4");
        await Answer(NodeSetupPrompts.MaxStakeQuestion, "1.5");
        var summary = await WaitForScreen(NodeSetupPrompts.ConfirmQuestion + " to " + interactive);
        Assert.Matches(@"benchmark    [0-9,]+ samples/s training mlp", summary);
        SendText("y");
        SendKeys("Enter");
        var end = await WaitForScreen("setup exit code ");
        Assert.Contains("setup exit code 0", end);
        Assert.Contains($"{NodeSetupPrompts.KeyQuestion} Import a PEM file", end);
        Assert.Contains($"Wrote {interactive}", end);
        Assert.Contains($"Next: swarm node start --config {interactive}", end);

        Assert.Equal(await File.ReadAllTextAsync(unattended), await File.ReadAllTextAsync(interactive));
        ConfigCommandTests.AssertOwnerOnly(interactive);
    }

    private static void RequireTmux()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("tmux", "-V") { UseShellExecute = false, RedirectStandardOutput = true,
                RedirectStandardError = true })!;
            probe.WaitForExit();
        }
        catch (Win32Exception)
        {
            Assert.Fail("tmux is not installed; install it (Debian: apt-get install tmux, which test.sh does) to run the interactive setup test");
        }
    }

    private async Task Answer(string question, string text)
    {
        await WaitForScreen(question);
        SendText(text);
        SendKeys("Enter");
    }

    // Polls the pane (with its scrollback) until the text appears, instead of sleeping for a guessed time.
    private async Task<string> WaitForScreen(string text)
    {
        var clock = Stopwatch.StartNew();
        var screen = "";
        while (clock.Elapsed < PromptTimeout)
        {
            screen = Tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "setup");
            if (screen.Contains(text, StringComparison.Ordinal))
                return screen;
            await Task.Delay(100);
        }
        _output.WriteLine(screen);
        Assert.Fail($"'{text}' did not appear on the terminal within {PromptTimeout.TotalSeconds} s; the screen:\n{screen}");
        return screen;
    }

    private void SendKeys(string key) => Tmux("send-keys", "-t", "setup", key);

    // -l: the text is typed literally, not looked up as key names.
    private void SendText(string text) => Tmux("send-keys", "-t", "setup", "-l", text);

    private string Tmux(params string[] args)
    {
        var info = new ProcessStartInfo("tmux") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-S");
        info.ArgumentList.Add(Socket);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        NodeCliProcess.Isolate(info.Environment, _home, null);
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
