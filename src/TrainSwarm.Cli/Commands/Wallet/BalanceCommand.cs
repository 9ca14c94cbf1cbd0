using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Wallet;

/// <summary>`swarm wallet balance [ADDRESS]`: what an actor holds on the coordinator's ledger.</summary>
internal static class BalanceCommand
{
    /// <summary>The `balance` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var address = new Argument<string?>("address") { Description = "Whose balances (default: the address of --key)", Arity = ArgumentArity.ZeroOrOne };
        var keyPath = context.KeyOption("wallet.pem", "used for its address when no ADDRESS is given");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("balance", "Show an actor's tokens: available in the wallet, reserved (job escrows, round stakes), claimable " +
            "rewards, and every account.\n" +
            "Example: swarm wallet balance --key ~/.trainswarm/keys/wallet.pem --coordinator http://127.0.0.1:7070")
        {
            address, keyPath, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var who = parse.GetValue(address);
            if (string.IsNullOrEmpty(who))
            {
                using var key = context.LoadKey(parse.GetValue(keyPath)!);
                who = key.Address;
            }
            using var client = context.Client(parse.GetValue(coordinator)!);
            var balances = await Remote.CallAsync(client, $"cannot read the balances of {who}", () => client.BalancesAsync(who, cancellation));
            context.Output(balances, parse.GetValue(json), b => BalancesView.Render(context.Console, b));
            return SwarmApp.Success;
        });
        return command;
    }
}
