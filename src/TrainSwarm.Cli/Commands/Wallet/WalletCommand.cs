using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Wallet;

/// <summary>
/// `swarm wallet create|show|faucet|balance|transfer`: the key file that identifies an actor (creator, node, validator),
/// devnet tokens for it, what it holds on a coordinator's ledger, and paying another wallet. One verb per file.
/// </summary>
public static class WalletCommand
{
    /// <summary>The `wallet` noun and its verbs, all built with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context) =>
        new("wallet", "Create actor keys, show them, fund them on a devnet, show their balances and send tokens.")
        {
            CreateCommand.Create(context),
            ShowCommand.Create(context),
            FaucetCommand.Create(context),
            BalanceCommand.Create(context),
            TransferCommand.Create(context),
        };
}
