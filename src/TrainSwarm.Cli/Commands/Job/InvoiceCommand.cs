using System.CommandLine;
using TrainSwarm.Client.Invoices;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>`swarm job invoice ID`: a job's itemized bill, as text, JSON or a printable HTML page.</summary>
internal static class InvoiceCommand
{
    /// <summary>The `invoice` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var jobId = IdArguments.JobId("The job");
        var html = new Option<string?>("--html") { Description = "Also write the invoice as a printable HTML page to this file" };
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("invoice",
            "Show a job's itemized bill: the quote, the reservation, each round's payouts and fees with their ledger entries, the totals and the refund.\n" +
            "Example: swarm job invoice j0123456789ab --html invoice.html --coordinator http://10.0.0.5:7070")
        {
            jobId, html, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(jobId)!;
            using var client = context.Client(parse.GetValue(coordinator)!);
            var invoice = await Remote.CallAsync(client, $"cannot read the invoice of job {id}", () => client.InvoiceAsync(id, cancellation));
            var statement = InvoiceStatement.From(invoice);
            var htmlPath = parse.GetValue(html);
            if (htmlPath is not null)
            {
                htmlPath = Path.GetFullPath(htmlPath);
                try
                {
                    await File.WriteAllTextAsync(htmlPath, InvoiceHtml.Render(statement), cancellation);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"cannot write the invoice to {htmlPath}: {e.Message}");
                }
            }
            context.Output(invoice, parse.GetValue(json), _ =>
            {
                if (htmlPath is not null)
                    context.WriteLine($"wrote the invoice of job {statement.JobId} to {htmlPath}");
                else
                {
                    InvoiceText.Render(context.Console, statement);
                    context.WriteLine(statement.RefundLine);
                }
            });
            return SwarmApp.Success;
        });
        return command;
    }
}
