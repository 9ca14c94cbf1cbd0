using System.Diagnostics;

namespace TrainSwarm.Cli.Tests.Completion;

/// <summary>
/// Shell completion: System.CommandLine's [suggest:POS] directive answers with the commands, options and values that may
/// come next, and `swarm completion bash` is a script that asks it (checked by running bash itself on the real CLI).
/// </summary>
public sealed class CompletionCommandTests
{
    private static async Task<string[]> SuggestAsync(string line, int? position = null)
    {
        var (code, output) = await CliRunner.Run($"[suggest:{position ?? line.Length}]", line);
        Assert.True(code == 0, output);
        return Lines.Of(output);
    }

    [Fact]
    public async Task Suggest_after_job_lists_its_subcommands()
    {
        var suggestions = await SuggestAsync("swarm job ");
        Assert.Equal(["cancel", "download", "invoice", "list", "quote", "status", "submit", "watch"], suggestions.Where(s => char.IsAsciiLetter(s[0])));
        Assert.Contains("--help", suggestions);
        Assert.Contains("--verbose", suggestions);
    }

    [Fact]
    public async Task Suggest_after_double_dash_lists_the_option_names_of_job_submit()
    {
        var suggestions = await SuggestAsync("swarm job submit --");
        foreach (var option in new[] { "--budget", "--deadline", "--partial", "--watch", "--key", "--coordinator", "--json", "--model", "--rounds",
            "--nodes", "--lr", "--seed", "--verbose" })
            Assert.Contains(option, suggestions);
        Assert.All(suggestions, s => Assert.StartsWith("--", s, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("swarm job submit --model ", new[] { "cnn", "cnn-rgb32", "mlp" })]
    [InlineData("./swarm job list --status c", new[] { "cancelled", "completed" })]
    [InlineData("/opt/bin/swarm completion ", new[] { "bash", "fish", "zsh" })]
    [InlineData("swarm wal", new[] { "wallet" })]
    public async Task Suggest_completes_values_and_partial_words_however_swarm_was_started(string line, string[] expected)
    {
        var suggestions = await SuggestAsync(line);
        Assert.Equal(expected, suggestions.Where(s => !s.StartsWith('-') && !s.StartsWith('/')));
    }

    [Fact]
    public async Task Suggest_uses_the_cursor_position_not_the_end_of_the_line()
    {
        // Cursor right after "swarm job " although more was typed after it.
        var suggestions = await SuggestAsync("swarm job  --json", position: 10);
        Assert.Contains("watch", suggestions);
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _swarm_bash_complete swarm ./swarm")]
    [InlineData("zsh", "compdef _swarm_zsh_complete swarm ./swarm")]
    [InlineData("fish", "complete -c swarm -f -a '(__swarm_fish_complete)'")]
    public async Task Completion_prints_a_script_that_calls_the_suggest_directive(string shell, string registration)
    {
        var (code, output) = await CliRunner.Run("completion", shell);
        Assert.Equal(0, code);
        Assert.Contains("\"[suggest:", output, StringComparison.Ordinal);
        Assert.Equal(registration, Lines.Of(output)[^1]);
    }

    [Fact]
    public async Task Completion_for_an_unknown_shell_is_bad_usage()
    {
        var (code, output) = await CliRunner.Run("completion", "powershell");
        Assert.Equal(2, code);
        Assert.StartsWith("error: Argument 'powershell' not recognized", Lines.Single(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bash_script_completes_through_the_real_cli()
    {
        if (!File.Exists("/bin/bash"))
            Assert.Fail("bash is required for this test");
        var (_, script) = await CliRunner.Run("completion", "bash");
        var folder = Path.Combine(Path.GetTempPath(), $"swarm-completion-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            // A `swarm` on the PATH that runs this build of the CLI, as an installed one would.
            var swarm = Path.Combine(folder, "swarm");
            var dll = Path.Combine(AppContext.BaseDirectory, "swarm.dll");
            await File.WriteAllTextAsync(swarm, $"#!/bin/sh\nexec dotnet \"{dll}\" \"$@\"\n");
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(swarm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllTextAsync(Path.Combine(folder, "completion.bash"), script);
            var probe = """
                source completion.bash
                COMP_LINE='swarm job st'
                COMP_POINT=${#COMP_LINE}
                COMP_WORDS=(swarm job st)
                COMP_CWORD=2
                _swarm_bash_complete
                printf '%s\n' "${COMPREPLY[@]}"
                """;
            var start = new ProcessStartInfo("/bin/bash", ["-c", probe]) { WorkingDirectory = folder, RedirectStandardOutput = true,
                RedirectStandardError = true };
            start.Environment["PATH"] = folder + ":" + Environment.GetEnvironmentVariable("PATH");
            using var bash = Process.Start(start)!;
            var stdout = await bash.StandardOutput.ReadToEndAsync();
            var stderr = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();
            Assert.True(bash.ExitCode == 0, stderr);
            Assert.Equal(["status"], Lines.Of(stdout));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
