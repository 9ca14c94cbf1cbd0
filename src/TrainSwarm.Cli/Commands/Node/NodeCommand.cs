using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>`swarm node start|status|list|config|setup`: running a trainer node and setting it up; one verb per file.</summary>
public static class NodeCommand
{
    /// <summary>The `node` noun and its verbs, all built with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context) =>
        new("node", "Run a trainer node: earn tokens by training jobs' models on this machine.")
        {
            StartCommand.Create(context),
            StatusCommand.Create(context),
            ListCommand.Create(context),
            ConfigCommand.Create(context),
            SetupCommand.Create(context),
        };
}
