using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Client.Invoices;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// A job's invoice on the console: Spectre tables drawn from its <see cref="InvoiceStatement"/> (job invoice, submit
/// --watch, cancel, devnet). Every amount is printed in tokens with six decimals: the ledger's integers, exactly.
/// </summary>
public static class InvoiceText
{
    /// <summary>Polls the invoice until it is settled or <paramref name="timeout"/> passes; returns the last one read.</summary>
    public static async Task<Invoice> WaitSettledAsync(SwarmClient client, string jobId, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var invoice = await Remote.CallAsync(client, $"cannot read the invoice of job {jobId}", () => client.InvoiceAsync(jobId, cancellation));
            if (invoice.Settled || DateTime.UtcNow >= deadline)
                return invoice;
            await Task.Delay(200, cancellation);
        }
    }

    /// <summary>The whole invoice as tables, then the check line (the refund line is the caller's, after it).</summary>
    public static void Render(IAnsiConsole console, InvoiceStatement s)
    {
        var w = console.Profile.Out.Writer;
        var q = s.Quote;
        w.WriteLine($"Invoice for job {s.JobId} ({s.StatusText})");
        w.WriteLine($"creator: {s.Creator}");
        w.WriteLine($"quote {q.Id}: {Asset.Format(q.Total)} tokens = compute {Asset.Format(q.ComputeCost)} "
            + $"({InvoiceStatement.Count(q.ComputeUnits)} units × {Asset.Format(q.PricePerUnit)})"
            + $" + validator fee {Asset.Format(q.ValidatorFee)} + protocol fee {Asset.Format(q.ProtocolFee)}");
        w.WriteLine($"reserved: {Asset.Format(s.Reserved.Amount)} tokens (escrow {s.Reserved.Ledger.TransferId}, ledger entry {s.Reserved.Ledger.Label})");

        if (s.Rounds.Count == 0)
            w.WriteLine("rounds: none paid");
        else
            RenderRounds(console, s);

        var totals = new Table().Title("totals").AddColumn("")
            .AddColumn(new TableColumn("tokens").RightAligned()).AddColumn(new TableColumn("ledger").RightAligned());
        totals.AddRow("compute paid", Asset.Format(s.Totals.ComputePaid), "");
        totals.AddRow("validator fees", Asset.Format(s.Totals.ValidatorFees), "");
        totals.AddRow("protocol fees", Asset.Format(s.Totals.ProtocolFees), "");
        totals.AddRow("[bold]total billed[/]", $"[bold]{Asset.Format(s.Totals.Billed)}[/]", "");
        totals.AddRow("refund", s.Refund.Amount is { } refund ? Asset.Format(refund) : "-", s.Refund.Ledger.Label);
        totals.AddRow("reserved", Asset.Format(s.Reserved.Amount), s.Reserved.Ledger.Label);
        console.Write(totals);
        w.WriteLine(s.CheckLine);
    }

    private static void RenderRounds(IAnsiConsole console, InvoiceStatement s)
    {
        // Narrow enough for an 80-column terminal: short addresses, the attempt only when a round was retried.
        var table = new Table().Title("rounds paid")
            .AddColumn("round").AddColumn("node")
            .AddColumn(new TableColumn(s.SamplesLabel).RightAligned()).AddColumn(new TableColumn("units").RightAligned())
            .AddColumn(new TableColumn("quality").RightAligned()).AddColumn(new TableColumn("tokens").RightAligned())
            .AddColumn(new TableColumn("ledger").RightAligned());
        foreach (var r in s.Rounds)
        {
            var label = r.Attempt == 1 ? $"{r.Index}" : $"{r.Index} (try {r.Attempt})";
            foreach (var l in r.Lines)
            {
                table.AddRow(Markup.Escape(label), Markup.Escape(Remote.Short(l.Node)), InvoiceStatement.Count(l.Samples),
                    InvoiceStatement.Units(l.Flops), l.Accepted ? InvoiceStatement.Percent(l.QualityBps) : "rejected",
                    Asset.Format(l.Payout), l.Ledger.Label);
                label = "";
            }
            table.AddRow(Markup.Escape(label), "validator fee", "", "", "", Asset.Format(r.ValidatorFee.Amount.Amount), r.ValidatorFee.Amount.Ledger.Label);
            foreach (var share in r.ValidatorShares ?? [])
                table.AddRow("", Markup.Escape($"  share {Remote.Short(share.Payee)}"), "", "", "", Asset.Format(share.Amount.Amount),
                    share.Amount.Ledger.Label);
            foreach (var dissenter in r.Dissenters ?? [])
                table.AddRow("", Markup.Escape($"  dissent {Remote.Short(dissenter)}"), "", "", "", Asset.Format(0), "");
            table.AddRow("", "protocol fee", "", "", "", Asset.Format(r.ProtocolFee.Amount.Amount), r.ProtocolFee.Amount.Ledger.Label);
            table.AddRow("", "[bold]round total[/]", "", "", r.Scaled ? $"×{InvoiceStatement.Percent(r.BudgetScaleBps)}" : "",
                $"[bold]{Asset.Format(r.Total.Amount)}[/]", r.Total.Ledger.Label);
        }
        console.Write(table);
        var w = console.Profile.Out.Writer;
        w.WriteLine($"units: compute units of 10^9 training FLOPs; quality: {s.QualityBasis}; "
            + "ledger: the entry that committed the transfer"
            + (s.AnyScaled ? "; ×N% on a round total: every line of that round was scaled to fit the budget" : ""));
        foreach (var (payee, rounds) in s.ValidatorPayees)
            w.WriteLine($"validator fees to {payee} (round{(rounds.Count == 1 ? "" : "s")} {string.Join(", ", rounds)})");
        foreach (var r in s.Rounds.Where(r => r.Dissenters is { Count: > 0 }))
            w.WriteLine($"round {r.Index}: outvoted by the quorum, paid no fee: {string.Join(", ", r.Dissenters!)}");
    }
}
