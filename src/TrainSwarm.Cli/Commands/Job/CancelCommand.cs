using System.CommandLine;
using TrainSwarm.Client.Invoices;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>`swarm job cancel ID`: stops a running job; what is left of its budget returns to the creator.</summary>
internal static class CancelCommand
{
    /// <summary>The `cancel` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var jobId = IdArguments.JobId("The job to cancel");
        var key = context.KeyOption("wallet.pem", "the job's creator");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("cancel", "Cancel a running job you created; what is left of its budget returns to your wallet.\n" +
            "Example: swarm job cancel j0123456789ab --key ~/.trainswarm/keys/wallet.pem --coordinator http://10.0.0.5:7070")
        {
            jobId, key, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(jobId)!;
            using var creator = context.LoadKey(parse.GetValue(key)!);
            using var client = context.Client(parse.GetValue(coordinator)!, creator);
            var job = await Remote.CallAsync(client, $"cannot cancel job {id}", () => client.CancelJobAsync(id, cancellation));
            var invoice = await InvoiceText.WaitSettledAsync(client, job.Id, TimeSpan.FromSeconds(10), cancellation);
            context.Output(new { job, invoice }, parse.GetValue(json), _ =>
            {
                var statement = InvoiceStatement.From(invoice);
                var w = context.Out;
                w.WriteLine($"job {job.Id} {job.Status.ToString().ToLowerInvariant()}: {job.StatusReason}");
                w.WriteLine($"billed: {Asset.Format(statement.Totals.Billed)} tokens for {statement.Rounds.Count} "
                    + $"round{(statement.Rounds.Count == 1 ? "" : "s")} paid");
                w.WriteLine(statement.RefundLine);
                if (!statement.Settled)
                    w.WriteLine($"the refund is not committed yet; check later with: swarm job invoice {job.Id}");
            });
            return SwarmApp.Success;
        });
        return command;
    }
}
