using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Round;

/// <summary>
/// `swarm round list|status|join|train|rewards|claim`: rounds by hand (manual mode: join, train, deliver), what a round
/// paid and why, and a node moving its payout into its wallet. One verb per file.
/// </summary>
public static class RoundCommand
{
    /// <summary>The `round` noun and its verbs, all built with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context) =>
        new("round", "Find rounds, join and train them by hand, see what they paid, and claim a node's payout.")
        {
            ListCommand.Create(context),
            StatusCommand.Create(context),
            JoinCommand.Create(context),
            TrainCommand.Create(context),
            RewardsCommand.Create(context),
            ClaimCommand.Create(context),
        };
}
