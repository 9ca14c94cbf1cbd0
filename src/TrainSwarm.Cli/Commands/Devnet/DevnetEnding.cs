using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Client.Invoices;

namespace TrainSwarm.Cli.Commands.Devnet;

/// <summary>How every devnet preset ends: the invoice once settled, the check that it adds up, and with --keep the network left running.</summary>
internal static class DevnetEnding
{
    /// <summary>Prints the job's settled invoice and its refund line; true when it settled and billed + refund = reserved.</summary>
    public static async Task<bool> InvoiceAsync(IAnsiConsole console, SwarmClient creator, string jobId, CancellationToken cancellation)
    {
        var invoice = await InvoiceText.WaitSettledAsync(creator, jobId, TimeSpan.FromSeconds(15), cancellation);
        var statement = InvoiceStatement.From(invoice);
        InvoiceText.Render(console, statement);
        console.Profile.Out.Writer.WriteLine(statement.RefundLine);
        if (!invoice.Settled)
            console.MarkupLine("[red]the invoice did not settle within 15 s[/]");
        else if (!statement.Balanced)
            console.MarkupLine("[red]the invoice does not add up: billed + refund differs from the reservation[/]");
        return invoice.Settled && statement.Balanced;
    }

    /// <summary>With <paramref name="keep"/>, says where the network is and waits for Ctrl+C.</summary>
    public static async Task KeepAsync(IAnsiConsole console, Cli.Devnet.Devnet devnet, bool keep, CancellationToken cancellation)
    {
        if (!keep)
            return;
        console.MarkupLine($"the network keeps running: dashboard {devnet.Url}, API {devnet.Url}api/v1, OpenAPI {devnet.Url}openapi/v1.json, " +
            $"events {devnet.Url}api/v1/events. Ctrl+C stops it.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
