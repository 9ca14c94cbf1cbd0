using System.CommandLine;
using System.Security.Cryptography;
using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Wallet;

/// <summary>`swarm wallet transfer --to ADDRESS --amount T`: a signed ledger transfer from your wallet to another actor's.</summary>
internal static class TransferCommand
{
    /// <summary>Builds the `wallet transfer` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var to = new Option<string>("--to") { Description = "The receiving address (ts1 + 40 hex characters); it must be registered", Required = true };
        to.Validators.Add(r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!Address.IsWellFormed(text))
                r.AddError($"--to must be an address (ts1 + 40 lowercase hex characters), not '{text}'");
        });
        var amount = TokenAmount.Option("--amount", "Tokens to send, e.g. 2.5 (at most 6 decimals)");
        amount.Required = true;
        var id = new Option<string?>("--id")
        {
            Description = "The transfer's id (32 hex characters; default: a random one). Repeating a transfer with the same id moves nothing twice: " +
                "the ledger answers 'exists'",
        };
        id.Validators.Add(r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (text.Length != 32 || !text.All(char.IsAsciiHexDigit) || text.All(c => c == '0'))
                r.AddError($"--id must be 32 hex characters, not all zero, not '{text}'");
        });
        var keyPath = context.KeyOption("wallet.pem", "the paying wallet");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("transfer", "Send tokens from your wallet to another registered actor's wallet: a ledger transfer signed by your key.\n" +
            "A malformed address or amount is bad usage (exit 2); an unknown recipient or too little in the wallet is refused (exit 1), and nothing moves.\n" +
            "Example: swarm wallet transfer --to ts1c0ffee0000000000000000000000000000000000 --amount 2.5 --key ~/.trainswarm/keys/wallet.pem")
        {
            to, amount, id, keyPath, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var recipient = parse.GetValue(to)!;
            var units = TokenAmount.Parse(parse.GetValue(amount)!, "--amount");
            using var key = context.LoadKey(parse.GetValue(keyPath)!);
            if (recipient == key.Address)
                throw new CliException($"--to is the paying wallet's own address {recipient}; give another actor's address", SwarmApp.BadUsage);
            using var client = context.Client(parse.GetValue(coordinator)!, key);

            // Checked first for a message that says what to do; the ledger checks both again when it commits.
            var mine = await Remote.CallAsync(client, $"cannot read the balances of {key.Address}", () => client.BalancesAsync(key.Address, cancellation));
            if (!mine.Accounts.Any(a => a.Kind == AccountKind.Wallet))
                throw new CliException($"{key.Address} has no wallet on this coordinator (not registered); on a devnet: swarm wallet faucet --key " +
                    $"{parse.GetValue(keyPath)}; nothing moved");
            var theirs = await Remote.CallAsync(client, $"cannot read the balances of {recipient}", () => client.BalancesAsync(recipient, cancellation));
            if (!theirs.Accounts.Any(a => a.Kind == AccountKind.Wallet))
                throw new CliException($"{recipient} has no wallet on this coordinator (not registered); check the address; nothing moved");
            if (mine.Wallet < units)
                throw new CliException($"insufficient funds: {key.Address} has {Asset.Format(mine.Wallet)} tokens available, the transfer needs " +
                    $"{Asset.Format(units)}; nothing moved");

            var transferId = parse.GetValue(id) is { } given ? TransferWire.ParseId(given, "--id") : RandomId();
            var request = TransferRequest.Single(transferId, MarketIds.Wallet(key.Address), MarketIds.Wallet(recipient), units, Reason.Transfer);
            var outcome = await Remote.CallAsync(client, "the ledger refused the transfer", () => client.TransferAsync(request, cancellation));
            var after = await Remote.CallAsync(client, $"cannot read the balances of {key.Address}", () => client.BalancesAsync(key.Address, cancellation));
            var sent = new { from = key.Address, to = recipient, amount = units, outcome.Id, outcome.Status, outcome.Sequence, wallet = after.Wallet };
            context.Output(sent, parse.GetValue(json), _ =>
            {
                var w = context.Out;
                w.WriteLine(outcome.Status == "exists"
                    ? $"transfer {outcome.Id} was already committed (ledger entry #{outcome.Sequence}); nothing moved again"
                    : $"sent {Asset.Format(units)} tokens from {key.Address} to {recipient}: transfer {outcome.Id}, ledger entry #{outcome.Sequence}");
                w.WriteLine($"wallet: {Asset.Format(after.Wallet)} tokens available, {Asset.Format(after.Reserved)} reserved");
            });
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>A random, nonzero 128-bit transfer id.</summary>
    private static UInt128 RandomId()
    {
        while (true)
        {
            var id = BitConverter.ToUInt128(RandomNumberGenerator.GetBytes(16));
            if (id != 0)
                return id;
        }
    }
}
