using System.Globalization;
using System.Net;
using System.Text;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// A job's invoice and a round's reward receipt for people: Spectre tables on the console and a printable HTML page.
/// Every amount is printed in tokens with six decimals (<see cref="Asset.Format"/>): the ledger's integers, exactly.
/// </summary>
public static class InvoiceView
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

    /// <summary>True when the invoice is final and adds up: billed + refund = reserved.</summary>
    public static bool Balanced(Invoice i) => i.Settled && i.TotalBilled + (i.Refund ?? 0) == i.Reserved;

    /// <summary>Compute units of <paramref name="flops"/> training FLOPs (10^9 FLOPs each), two decimals.</summary>
    public static string Units(long flops) => (flops / 1e9).ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>A quality weight in basis points as a percentage, exactly: 9876 → "98.76%".</summary>
    public static string Percent(int bps) => string.Create(CultureInfo.InvariantCulture, $"{bps / 100}.{bps % 100:D2}%");

    /// <summary>"#42", or "pending" for a transfer not committed yet, or "" when there is no transfer.</summary>
    public static string Entry(string? transferId, long sequence) =>
        transferId is null ? "" : sequence > 0 ? "#" + sequence.ToString(CultureInfo.InvariantCulture) : "pending";

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Status(Invoice i) =>
        i.Status.ToString().ToLowerInvariant() + (string.IsNullOrEmpty(i.StatusReason) ? "" : ": " + i.StatusReason);

    /// <summary>The line saying whether billed + refund = reserved.</summary>
    public static string Check(Invoice i)
    {
        var sum = $"billed + refund = reserved: {Asset.Format(i.TotalBilled)} + {Asset.Format(i.Refund ?? 0)}";
        if (!i.Settled)
            return $"{sum} of {Asset.Format(i.Reserved)} reserved so far; not settled yet (the job is running or its transfers are still being committed)";
        return Balanced(i)
            ? $"{sum} = {Asset.Format(i.Reserved)}: balanced"
            : $"{sum} ≠ {Asset.Format(i.Reserved)}: NOT balanced";
    }

    /// <summary>The refund line: how much went back to the creator, and the ledger entry that did it.</summary>
    public static string RefundLine(Invoice i) => i.Refund switch
    {
        null => "refund: none yet (the job is still running)",
        0 => "refund: 0.000000 tokens (the whole budget was spent)",
        var r when i.RefundSequence > 0 => $"refund: {Asset.Format(r.Value)} tokens returned to the creator (ledger entry #{i.RefundSequence})",
        var r => $"refund: {Asset.Format(r.Value)} tokens, not yet committed to the ledger",
    };

    /// <summary>The whole invoice as tables.</summary>
    public static void Render(IAnsiConsole console, Invoice i)
    {
        var w = console.Profile.Out.Writer;
        var q = i.Quote;
        w.WriteLine($"Invoice for job {i.JobId} ({Status(i)})");
        w.WriteLine($"creator: {i.Creator}");
        w.WriteLine($"quote {q.Id}: {Asset.Format(q.Total)} tokens = compute {Asset.Format(q.ComputeCost)} ({Count(q.ComputeUnits)} units × {Asset.Format(q.PricePerUnit)})"
            + $" + validator fee {Asset.Format(q.ValidatorFee)} + protocol fee {Asset.Format(q.ProtocolFee)}");
        w.WriteLine($"reserved: {Asset.Format(i.Reserved)} tokens (escrow {i.EscrowTransferId}, ledger entry {Entry(i.EscrowTransferId, i.EscrowSequence)})");

        if (i.Rounds.Count == 0)
            w.WriteLine("rounds: none paid");
        else
        {
            // Narrow enough for an 80-column terminal: short addresses, the attempt only when a round was retried.
            var table = new Table().Title("rounds paid")
                .AddColumn("round").AddColumn("node")
                .AddColumn(new TableColumn("samples").RightAligned()).AddColumn(new TableColumn("units").RightAligned())
                .AddColumn(new TableColumn("quality").RightAligned()).AddColumn(new TableColumn("tokens").RightAligned())
                .AddColumn(new TableColumn("ledger").RightAligned());
            foreach (var r in i.Rounds)
            {
                var label = r.Attempt == 1 ? $"{r.Index}" : $"{r.Index} (try {r.Attempt})";
                foreach (var l in r.Lines)
                {
                    table.AddRow(Markup.Escape(label), Markup.Escape(Remote.Short(l.Node)), Count(l.Samples), Units(l.Flops),
                        l.Accepted ? Percent(l.QualityBps) : "rejected", Asset.Format(l.Payout), Entry(l.TransferId, l.Sequence));
                    label = "";
                }
                table.AddRow(Markup.Escape(label), "validator fee", "", "", "", Asset.Format(r.ValidatorFee.Amount), Entry(r.ValidatorFee.TransferId, r.ValidatorFee.Sequence));
                table.AddRow("", "protocol fee", "", "", "", Asset.Format(r.ProtocolFee.Amount), Entry(r.ProtocolFee.TransferId, r.ProtocolFee.Sequence));
                table.AddRow("", "[bold]round total[/]", "", "", r.BudgetScaleBps < 10_000 ? $"×{Percent(r.BudgetScaleBps)}" : "",
                    $"[bold]{Asset.Format(r.Total)}[/]", Entry(r.PostTransferId, r.PostSequence));
            }
            console.Write(table);
            w.WriteLine("units: compute units of 10^9 training FLOPs; quality: the update's pay weight from its holdout loss; ledger: the entry that committed the transfer"
                + (i.Rounds.Any(r => r.BudgetScaleBps < 10_000) ? "; ×N% on a round total: every line of that round was scaled to fit the budget" : ""));
            foreach (var v in i.Rounds.GroupBy(r => r.ValidatorFee.Payee))
                w.WriteLine($"validator fees to {v.Key} (round{(v.Count() == 1 ? "" : "s")} {string.Join(", ", v.Select(r => r.Index))})");
        }

        var totals = new Table().Title("totals").AddColumn("").AddColumn(new TableColumn("tokens").RightAligned()).AddColumn(new TableColumn("ledger").RightAligned());
        totals.AddRow("compute paid", Asset.Format(i.ComputePaid), "");
        totals.AddRow("validator fees", Asset.Format(i.ValidatorFees), "");
        totals.AddRow("protocol fees", Asset.Format(i.ProtocolFees), "");
        totals.AddRow("[bold]total billed[/]", $"[bold]{Asset.Format(i.TotalBilled)}[/]", "");
        totals.AddRow("refund", i.Refund is { } refund ? Asset.Format(refund) : "-", Entry(i.RefundTransferId, i.RefundSequence));
        totals.AddRow("reserved", Asset.Format(i.Reserved), Entry(i.EscrowTransferId, i.EscrowSequence));
        console.Write(totals);
        w.WriteLine(Check(i));
    }

    /// <summary>A round's reward receipt as a table: every update's pay and why, the fees, the total.</summary>
    public static void RenderRewards(IAnsiConsole console, RoundRewards r)
    {
        var w = console.Profile.Out.Writer;
        var t = r.Terms;
        w.WriteLine($"Rewards of round {r.RoundId} (job {r.JobId}, round {r.Index}, try {r.Attempt}), judged by validator {r.Validator}");
        w.WriteLine($"terms: {Asset.Format(t.PricePerUnit)} tokens per compute unit, {Count(t.TrainingFlopsPerSample)} FLOPs per sample, "
            + $"at most {Count(t.MaxSamplesPerUpdate)} samples per update; fees: validator {Percent(t.ValidatorFeeBps)}, protocol {Percent(t.ProtocolFeeBps)} of compute"
            + (r.BudgetScaleBps < 10_000 ? $"; scaled to {Percent(r.BudgetScaleBps)} by the remaining budget" : ""));
        var table = new Table()
            .AddColumn("node").AddColumn("accepted").AddColumn("reason")
            .AddColumn(new TableColumn("samples").RightAligned()).AddColumn("holdout loss")
            .AddColumn(new TableColumn("quality").RightAligned()).AddColumn(new TableColumn("payout").RightAligned())
            .AddColumn(new TableColumn("ledger").RightAligned());
        foreach (var l in r.Lines)
            table.AddRow(Markup.Escape(Remote.Short(l.Node)), l.Accepted ? "yes" : "no", Markup.Escape(l.Reason ?? ""), Count(l.Samples),
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{l.BaseLoss:F4} → {l.UpdatedLoss:F4}")),
                Percent(l.QualityBps), Asset.Format(l.Payout), Entry(l.TransferId, l.Sequence));
        table.AddRow("validator fee", "", "", "", "", "", Asset.Format(r.ValidatorFee.Amount),
            Entry(r.ValidatorFee.TransferId, r.ValidatorFee.Sequence));
        table.AddRow("protocol fee", "", "", "", "", "", Asset.Format(r.ProtocolFee.Amount), Entry(r.ProtocolFee.TransferId, r.ProtocolFee.Sequence));
        table.AddRow("[bold]total[/]", "", "", "", "", "", $"[bold]{Asset.Format(r.Total)}[/]", Entry(r.PostTransferId, r.PostSequence));
        console.Write(table);
        w.WriteLine($"total: {Asset.Format(r.Total)} tokens billed to the job's creator; "
            + (r.Settled ? "settled (every transfer is committed to the ledger)" : "not settled yet (transfers are still being committed)"));
    }

    /// <summary>
    /// The invoice as one self-contained HTML page (inline CSS, print-friendly), every value HTML-escaped and every
    /// amount in tokens with six decimals.
    /// </summary>
    public static string Html(Invoice i)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        static string T(long units) => E(Asset.Format(units));
        var q = i.Quote;
        var h = new StringBuilder();
        h.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            """);
        h.Append(CultureInfo.InvariantCulture, $"<title>Invoice {E(i.JobId)}</title>\n");
        h.Append("""
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
            h1 { font-size: 1.5rem; margin-bottom: .25rem; }
            h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
            table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9rem; }
            th, td { border-bottom: 1px solid #e2e2e2; padding: .3rem .5rem; text-align: left; vertical-align: top; }
            th { background: #f4f4f4; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tr.sub td { color: #555; }
            tr.total td { font-weight: bold; border-top: 2px solid #999; }
            .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em; word-break: break-all; }
            .ok { color: #0a6b2d; font-weight: bold; } .bad { color: #b00020; font-weight: bold; } .muted { color: #666; }
            dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
            dt { color: #555; } dd { margin: 0; }
            @media print {
              body { margin: 0; max-width: none; font-size: 10pt; }
              h2 { break-after: avoid; }
              tr { break-inside: avoid; }
              th { background: none; }
              a { color: inherit; text-decoration: none; }
            }
            </style>
            </head>
            <body>

            """);
        h.Append(CultureInfo.InvariantCulture, $"<h1>Invoice for job <span class=\"mono\">{E(i.JobId)}</span></h1>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Status: {E(Status(i))}. All amounts in tokens (1 token = 1,000,000 micro-tokens).</p>\n");
        h.Append("<dl>\n");
        void Item(string term, string valueHtml) => h.Append(CultureInfo.InvariantCulture, $"<dt>{E(term)}</dt><dd>{valueHtml}</dd>\n");
        Item("Creator", $"<span class=\"mono\">{E(i.Creator)}</span>");
        Item("Quote", $"<span class=\"mono\">{E(q.Id)}</span>: total {T(q.Total)} = compute {T(q.ComputeCost)} ({E(Count(q.ComputeUnits))} units × {T(q.PricePerUnit)}) + validator fee {T(q.ValidatorFee)} + protocol fee {T(q.ProtocolFee)}");
        Item("Reserved", $"{T(i.Reserved)} (escrow <span class=\"mono\">{E(i.EscrowTransferId)}</span>, ledger entry {E(Entry(i.EscrowTransferId, i.EscrowSequence))})");
        h.Append("</dl>\n");

        h.Append("<h2>Rounds</h2>\n");
        if (i.Rounds.Count == 0)
            h.Append("<p>No rounds were paid.</p>\n");
        foreach (var r in i.Rounds)
        {
            h.Append(CultureInfo.InvariantCulture, $"<h3>Round {r.Index} (try {r.Attempt}) <span class=\"mono muted\">{E(r.RoundId)}</span></h3>\n");
            h.Append("<table>\n<thead><tr><th>Node</th><th>Accepted</th><th class=\"n\">Samples</th><th class=\"n\">Compute units</th><th class=\"n\">Quality</th><th class=\"n\">Payout</th><th class=\"n\">Ledger</th></tr></thead>\n<tbody>\n");
            foreach (var l in r.Lines)
                h.Append(CultureInfo.InvariantCulture,
                    $"<tr><td class=\"mono\">{E(l.Node)}</td><td>{(l.Accepted ? "yes" : "no" + (l.Reason is null ? "" : ": " + E(l.Reason)))}</td><td class=\"n\">{E(Count(l.Samples))}</td><td class=\"n\">{E(Units(l.Flops))}</td><td class=\"n\">{E(Percent(l.QualityBps))}</td><td class=\"n\">{T(l.Payout)}</td><td class=\"n\">{E(Entry(l.TransferId, l.Sequence))}</td></tr>\n");
            h.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"sub\"><td colspan=\"5\">Validator fee (<span class=\"mono\">{E(r.ValidatorFee.Payee)}</span>)</td><td class=\"n\">{T(r.ValidatorFee.Amount)}</td><td class=\"n\">{E(Entry(r.ValidatorFee.TransferId, r.ValidatorFee.Sequence))}</td></tr>\n");
            h.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"sub\"><td colspan=\"5\">Protocol fee</td><td class=\"n\">{T(r.ProtocolFee.Amount)}</td><td class=\"n\">{E(Entry(r.ProtocolFee.TransferId, r.ProtocolFee.Sequence))}</td></tr>\n");
            h.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"total\"><td colspan=\"5\">Round {r.Index} total{(r.BudgetScaleBps < 10_000 ? $" (scaled to {E(Percent(r.BudgetScaleBps))} by the budget)" : "")}</td><td class=\"n\">{T(r.Total)}</td><td class=\"n\">{E(Entry(r.PostTransferId, r.PostSequence))}</td></tr>\n");
            h.Append("</tbody>\n</table>\n");
        }

        h.Append("<h2>Totals</h2>\n<table>\n<tbody>\n");
        void Row(string label, long? amount, string ledger = "", string css = "") => h.Append(CultureInfo.InvariantCulture,
            $"<tr{(css.Length > 0 ? $" class=\"{css}\"" : "")}><td>{E(label)}</td><td class=\"n\">{(amount is { } a ? T(a) : "-")}</td><td class=\"n\">{E(ledger)}</td></tr>\n");
        Row("Compute paid", i.ComputePaid);
        Row("Validator fees", i.ValidatorFees);
        Row("Protocol fees", i.ProtocolFees);
        Row("Total billed", i.TotalBilled, css: "total");
        Row("Refund", i.Refund, Entry(i.RefundTransferId, i.RefundSequence));
        Row("Reserved", i.Reserved, Entry(i.EscrowTransferId, i.EscrowSequence));
        h.Append("</tbody>\n</table>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"{(!i.Settled ? "muted" : Balanced(i) ? "ok" : "bad")}\">{E(Check(i))}</p>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p>{E(RefundLine(i))}</p>\n");
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }
}
