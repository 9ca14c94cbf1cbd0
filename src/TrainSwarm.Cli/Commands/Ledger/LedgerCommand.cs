using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Ledger;

/// <summary>
/// `swarm ledger verify|log`: check and read the coordinator's hash-chained ledger, either straight from its database
/// (--db, the default) or through a running coordinator's API (--coordinator URL). One verb per file.
/// </summary>
public static class LedgerCommand
{
    /// <summary>The `ledger` noun and its verbs, all built with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context) => new("ledger", "Verify and read the signed, hash-chained ledger.")
    {
        VerifyCommand.Create(context),
        LogCommand.Create(context),
    };
}
