using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Wallet;

/// <summary>An actor's balances for people, as `wallet balance` prints them.</summary>
internal static class BalancesView
{
    /// <summary>The three figures people ask for, then every account.</summary>
    public static void Render(IAnsiConsole console, Balances b)
    {
        var w = console.Profile.Out.Writer;
        w.WriteLine($"balances of {b.Address}");
        if (b.Accounts.Count == 0)
        {
            w.WriteLine("no accounts: this address is not registered on the coordinator (swarm wallet faucet registers a key on a devnet)");
            return;
        }
        w.WriteLine($"available: {Asset.Format(b.Wallet)} tokens in the wallet");
        w.WriteLine($"reserved: {Asset.Format(b.Reserved)} tokens (job escrows and round stakes)");
        w.WriteLine($"claimable: {Asset.Format(b.Claimable)} tokens (rewards not yet claimed: swarm round claim ROUND)");
        var table = new Table().AddColumn("account").AddColumn(new TableColumn("id").NoWrap())
            .AddColumn(new TableColumn("balance").RightAligned()).AddColumn(new TableColumn("reserved").RightAligned())
            .AddColumn(new TableColumn("available").RightAligned());
        foreach (var a in b.Accounts)
            table.AddRow(a.Kind.ToString().ToLowerInvariant(), a.Id, Asset.Format(a.Balance), Asset.Format(a.Reserved), Asset.Format(a.Available));
        console.Write(table);
    }
}
