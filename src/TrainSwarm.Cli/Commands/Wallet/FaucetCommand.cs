using System.CommandLine;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Commands.Wallet;

/// <summary>`swarm wallet faucet`: devnet tokens minted into a wallet, registering its key first when new.</summary>
internal static class FaucetCommand
{
    private static readonly string[] Roles = ["creator", "node", "validator"];

    /// <summary>The `faucet` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var amount = TokenAmount.Option("--amount", "Tokens to mint into the wallet, e.g. 250 or 0.5", "100");
        var role = new Option<string>("--role") { Description = "Role to register the key under when it is new: creator, node or validator (default: " +
            "creator)" };
        role.AcceptOnlyFromAmong(Roles);
        var keyPath = context.KeyOption("wallet.pem");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("faucet", "Mint devnet tokens into your wallet (registers the key first when the coordinator does not know it). " +
            "Only devnet coordinators have a faucet.\n" +
            "Example: swarm wallet faucet --amount 250 --key ~/.trainswarm/keys/wallet.pem --coordinator http://127.0.0.1:7070")
        {
            amount, role, keyPath, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var units = TokenAmount.Parse(parse.GetValue(amount)!, "--amount");
            var requestedRole = parse.GetValue(role);
            using var key = context.LoadKey(parse.GetValue(keyPath)!);
            using var client = context.Client(parse.GetValue(coordinator)!, key);
            var registered = await Registration.EnsureRegisteredAsync(client, requestedRole ?? "creator", requestedRole is not null, cancellation);
            var outcome = await Remote.CallAsync(client, "the coordinator refused the faucet", () => client.FaucetAsync(units, cancellation));
            var balances = await Remote.CallAsync(client, "cannot read the balances", () => client.BalancesAsync(key.Address, cancellation));
            var minted = new { address = key.Address, registered, amount = units, outcome.Id, outcome.Status, outcome.Sequence, balances };
            context.Output(minted, parse.GetValue(json), _ =>
            {
                var w = context.Out;
                if (registered)
                    w.WriteLine($"registered {key.Address} as a {requestedRole ?? "creator"}");
                w.WriteLine($"minted {Asset.Format(units)} tokens into {key.Address} (transfer {outcome.Id}, ledger entry #{outcome.Sequence})");
                w.WriteLine($"wallet: {Asset.Format(balances.Wallet)} tokens available, {Asset.Format(balances.Reserved)} reserved, "
                    + $"{Asset.Format(balances.Claimable)} claimable");
            });
            return SwarmApp.Success;
        });
        return command;
    }
}
