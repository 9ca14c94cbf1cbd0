using System.CommandLine;
using Spectre.Console;

namespace TrainSwarm.Cli.Tests;

/// <summary>The whole `swarm` command tree, walked generically: every command teaches by example, and data commands speak JSON.</summary>
public sealed class CommandTreeTests
{
    private static readonly RootCommand Root = SwarmApp.BuildRoot(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }));

    /// <summary>Every command with its path from the root ("job submit").</summary>
    private static IEnumerable<(string Path, Command Command)> Walk(Command command, string path = "")
    {
        foreach (var child in command.Subcommands)
        {
            var childPath = path.Length == 0 ? child.Name : $"{path} {child.Name}";
            yield return (childPath, child);
            foreach (var below in Walk(child, childPath))
                yield return below;
        }
    }

    private static IReadOnlyList<(string Path, Command Command)> Leaves => Walk(Root).Where(c => c.Command.Subcommands.Count == 0).ToList();

    /// <summary>Commands that print data, so scripts can read them with --json (node and round ones come from the node engineers' work).</summary>
    public static TheoryData<string> DataCommands => new()
    {
        "job quote", "job submit", "job list", "job status", "job watch", "job download", "job invoice", "job cancel",
        "wallet create", "wallet show", "wallet faucet", "wallet balance", "wallet transfer",
        "ledger verify", "ledger log",
        "round rewards", "round claim", "round list", "round status",
        "node status", "node config",
        "dataset upload", "dataset list", "dataset show", "dataset delete", "dataset fetch", "dataset catalog",
    };

    [Fact]
    public void Every_leaf_command_has_an_example_in_its_description()
    {
        var missing = Leaves.Where(l => l.Command.Description?.Contains("Example: swarm ", StringComparison.Ordinal) != true).Select(l => l.Path).ToList();
        Assert.True(missing.Count == 0, "commands without an \"Example: swarm …\" line: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_tree_has_the_creators_commands()
    {
        var paths = Walk(Root).Select(c => c.Path).ToHashSet();
        foreach (var expected in new[] { "job list", "job status", "job watch", "job download", "wallet show", "wallet transfer", "completion" })
            Assert.Contains(expected, paths);
    }

    [Theory]
    [MemberData(nameof(DataCommands))]
    public void A_data_command_takes_json(string path)
    {
        var command = Walk(Root).Where(c => c.Path == path).Select(c => c.Command).FirstOrDefault();
        Assert.True(command is not null, $"no command 'swarm {path}'");
        Assert.Contains(command.Options, o => o.Name == "--json");
    }

    [Fact]
    public void Every_command_that_takes_coordinator_defaults_from_the_environment_variable()
    {
        var coordinators = Walk(Root).SelectMany(c => c.Command.Options.Where(o => o.Name == "--coordinator").Select(o => (c.Path, Option: o))).ToList();
        Assert.NotEmpty(coordinators);
        var without = coordinators.Where(c => c.Option.Description?.Contains("TRAINSWARM_COORDINATOR",
            StringComparison.Ordinal) != true).Select(c => c.Path).ToList();
        Assert.True(without.Count == 0, "--coordinator without $TRAINSWARM_COORDINATOR: " + string.Join(", ", without));
    }

    [Fact]
    public async Task Verbose_is_accepted_anywhere_on_the_command_line()
    {
        // A parse error would be exit 2; instead the command runs and fails for a real reason (nothing listens there).
        var (code, output) = await CliRunner.Run("job", "list", "--coordinator", "http://127.0.0.1:9", "--verbose");
        Assert.Equal(1, code);
        Assert.StartsWith("error: cannot reach the coordinator at http://127.0.0.1:9/", output, StringComparison.Ordinal);
        var (rootCode, _) = await CliRunner.Run("--verbose", "job", "list", "--coordinator", "http://127.0.0.1:9");
        Assert.Equal(1, rootCode);
    }

    [Fact]
    public async Task Help_with_a_missing_argument_still_prints_help_with_the_example()
    {
        var (code, output) = await CliRunner.Run("job", "status", "--help");
        Assert.Equal(0, code);
        Assert.Contains("Example: swarm job status j0123456789ab", output, StringComparison.Ordinal);
        Assert.Contains("--json", output, StringComparison.Ordinal);
        Assert.Contains("--verbose", output, StringComparison.Ordinal);
    }
}
