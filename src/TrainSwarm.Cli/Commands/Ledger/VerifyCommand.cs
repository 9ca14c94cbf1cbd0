using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Ledger;

/// <summary>`swarm ledger verify`: replay the whole chain and compare it with the stored balances, locally or on a running coordinator.</summary>
public static class VerifyCommand
{
    /// <summary>Builds the `ledger verify` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var db = LedgerSource.DbOption();
        var coordinator = context.CoordinatorOption();
        coordinator.Description = $"Have this running coordinator replay its ledger (through its API) instead of reading a database (or set " +
            $"${CommandContext.CoordinatorVariable})";
        var signer = new Option<string?>("--signer") { Description = "Require the chain to be signed by this coordinator address (ts1…)" };
        signer.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !Address.IsWellFormed(r.Tokens[0].Value))
                r.AddError($"--signer must be an address (ts1 + 40 lowercase hex characters), not '{r.Tokens[0].Value}'");
        });
        var json = context.JsonOption();
        var command = new Command("verify", "Replay the ledger from genesis: every hash, signature, authorization and balance. Exits 0 when it holds, " +
            "1 at the first bad entry.\n" +
            "Reads the coordinator's database (--db) or asks a running coordinator to replay its own (--coordinator URL).\n" +
            "Example: swarm ledger verify --db ~/.trainswarm/coordinator.db --signer ts1c0ffee0000000000000000000000000000000000")
        {
            db, coordinator, signer, json,
        };
        command.SetAction(async (ParseResult parse, CancellationToken cancellation) =>
        {
            var expected = parse.GetValue(signer);
            LedgerVerification report;
            if (LedgerSource.IsRemote(parse, db, coordinator))
            {
                using var client = context.Client(parse.GetValue(coordinator)!);
                if (expected is not null)
                {
                    var info = await Remote.CallAsync(client, "cannot read the coordinator's identity", () => client.InfoAsync(cancellation));
                    if (info.Address != expected)
                        throw new CliException($"the coordinator at {client.BaseAddress} signs as {info.Address}, not {expected}");
                }
                report = await Remote.CallAsync(client, "cannot verify the ledger", () => client.VerifyLedgerAsync(cancellation));
            }
            else
            {
                var store = await LedgerSource.OpenAsync(parse.GetValue(db)!, cancellation);
                var r = await store.VerifyAsync(expected, cancellation);
                report = new LedgerVerification(r.Ok, r.Entries, r.Accounts, r.Supply, r.HeadHash, r.FailedSequence, r.Problem, r.ToString());
            }
            context.Output(report, parse.GetValue(json), r =>
            {
                if (!r.Ok)
                    throw new CliException(r.Summary);
                // A raw line, so the summary stays one line whatever the terminal width.
                context.WriteLine(r.Summary);
            });
            return report.Ok ? SwarmApp.Success : SwarmApp.Failure;
        });
        return command;
    }
}
