using System.CommandLine;
using Spectre.Console;

namespace TrainSwarm.Cli.Commands;

/// <summary>`swarm ledger verify`: replay the whole chain and compare it with the stored balances.</summary>
public static class LedgerVerifyCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var db = LedgerCommand.DbOption();
        var coordinator = new Option<string?>("--coordinator") { Description = "Require the chain to be signed by this coordinator address" };
        var command = new Command("verify", "Replay the ledger from genesis: every hash, signature, authorization and balance.") { db, coordinator };
        command.SetAction(async (ParseResult parse, CancellationToken cancellation) =>
        {
            var connection = parse.GetValue(db)!;
            var store = await LedgerCommand.OpenAsync(connection, cancellation);
            var report = await store.VerifyAsync(parse.GetValue(coordinator), cancellation);
            if (report.Ok)
            {
                // A raw line, so the summary stays one line whatever the terminal width.
                console.Profile.Out.Writer.WriteLine(report.ToString());
                return SwarmApp.Success;
            }
            throw new CliException(report.ToString());
        });
        return command;
    }
}
