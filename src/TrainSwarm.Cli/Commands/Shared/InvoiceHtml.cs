using System.Globalization;
using System.Net;
using System.Text;
using TrainSwarm.Client.Invoices;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Commands;

/// <summary>A job's invoice as a printable web page (`job invoice --html`), drawn from its <see cref="InvoiceStatement"/>.</summary>
public static class InvoiceHtml
{
    /// <summary>
    /// The invoice as one self-contained HTML page (inline CSS, print-friendly), every value HTML-escaped and every
    /// amount in tokens with six decimals.
    /// </summary>
    public static string Render(InvoiceStatement s)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        static string T(long units) => E(Asset.Format(units));
        var q = s.Quote;
        var h = new StringBuilder();
        h.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            """);
        h.Append(CultureInfo.InvariantCulture, $"<title>Invoice {E(s.JobId)}</title>\n");
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
        h.Append(CultureInfo.InvariantCulture, $"<h1>Invoice for job <span class=\"mono\">{E(s.JobId)}</span></h1>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Status: {E(s.StatusText)}. All amounts in tokens (1 token = 1,000,000 " +
            $"micro-tokens).</p>\n");
        h.Append("<dl>\n");
        void Item(string term, string valueHtml) => h.Append(CultureInfo.InvariantCulture, $"<dt>{E(term)}</dt><dd>{valueHtml}</dd>\n");
        Item("Creator", $"<span class=\"mono\">{E(s.Creator)}</span>");
        Item("Quote", $"<span class=\"mono\">{E(q.Id)}</span>: total {T(q.Total)} = compute {T(q.ComputeCost)} " +
            $"({E(InvoiceStatement.Count(q.ComputeUnits))} units × {T(q.PricePerUnit)}) + validator fee {T(q.ValidatorFee)} + protocol fee " +
            $"{T(q.ProtocolFee)}");
        Item("Reserved", $"{T(s.Reserved.Amount)} (escrow <span class=\"mono\">{E(s.Reserved.Ledger.TransferId)}</span>, ledger entry " +
            $"{E(s.Reserved.Ledger.Label)})");
        h.Append("</dl>\n");

        h.Append("<h2>Rounds</h2>\n");
        if (s.Rounds.Count == 0)
            h.Append("<p>No rounds were paid.</p>\n");
        foreach (var r in s.Rounds)
        {
            h.Append(CultureInfo.InvariantCulture, $"<h3>Round {r.Index} (try {r.Attempt}) <span class=\"mono muted\">{E(r.RoundId)}</span></h3>\n");
            h.Append("<table>\n<thead><tr><th>Node</th><th>Accepted</th><th class=\"n\">"
                + (char.ToUpperInvariant(s.SamplesLabel[0]) + s.SamplesLabel[1..]) + "</th>"
                + "<th class=\"n\">Compute units</th>"
                + "<th class=\"n\">Quality</th><th class=\"n\">Payout</th><th class=\"n\">Ledger</th></tr></thead>\n<tbody>\n");
            foreach (var l in r.Lines)
                h.Append(CultureInfo.InvariantCulture,
                    $"<tr><td class=\"mono\">{E(l.Node)}</td><td>{(l.Accepted ? "yes" : "no" + (l.Reason is null ? "" : ": " + E(l.Reason)))}</td>"
                    + $"<td class=\"n\">{E(InvoiceStatement.Count(l.Samples))}</td><td class=\"n\">{E(InvoiceStatement.Units(l.Flops))}</td>"
                    + $"<td class=\"n\">{E(InvoiceStatement.Percent(l.QualityBps))}</td><td class=\"n\">{T(l.Payout)}</td>"
                    + $"<td class=\"n\">{E(l.Ledger.Label)}</td></tr>\n");
            h.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"sub\"><td colspan=\"5\">Validator fee (<span class=\"mono\">{E(r.ValidatorFee.Payee)}</span>)</td>"
                    + $"<td class=\"n\">{T(r.ValidatorFee.Amount.Amount)}</td><td class=\"n\">{E(r.ValidatorFee.Amount.Ledger.Label)}</td></tr>\n");
            foreach (var share in r.ValidatorShares ?? [])
                h.Append(CultureInfo.InvariantCulture,
                    $"<tr class=\"sub\"><td colspan=\"5\">&nbsp;&nbsp;share of <span class=\"mono\">{E(share.Payee)}</span></td>"
                        + $"<td class=\"n\">{T(share.Amount.Amount)}</td><td class=\"n\">{E(share.Amount.Ledger.Label)}</td></tr>\n");
            foreach (var dissenter in r.Dissenters ?? [])
                h.Append(CultureInfo.InvariantCulture,
                    $"<tr class=\"sub\"><td colspan=\"5\">&nbsp;&nbsp;dissent of <span class=\"mono\">{E(dissenter)}</span> (outvoted, no fee)</td>"
                        + $"<td class=\"n\">{T(0)}</td><td class=\"n\"></td></tr>\n");
            h.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"sub\"><td colspan=\"5\">Protocol fee</td><td class=\"n\">{T(r.ProtocolFee.Amount.Amount)}</td>"
                    + $"<td class=\"n\">{E(r.ProtocolFee.Amount.Ledger.Label)}</td></tr>\n");
            h.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"total\"><td colspan=\"5\">Round {r.Index} " +
                    $"total{(r.Scaled ? $" (scaled to {E(InvoiceStatement.Percent(r.BudgetScaleBps))} by the budget)" : "")}</td>"
                    + $"<td class=\"n\">{T(r.Total.Amount)}</td><td class=\"n\">{E(r.Total.Ledger.Label)}</td></tr>\n");
            h.Append("</tbody>\n</table>\n");
        }

        h.Append("<h2>Totals</h2>\n<table>\n<tbody>\n");
        void Row(string label, long? amount, string ledger = "", string css = "") => h.Append(CultureInfo.InvariantCulture,
            $"<tr{(css.Length > 0 ? $" class=\"{css}\"" : "")}><td>{E(label)}</td><td class=\"n\">{(amount is { } a ? T(a) : "-")}</td>"
                + $"<td class=\"n\">{E(ledger)}</td></tr>\n");
        Row("Compute paid", s.Totals.ComputePaid);
        Row("Validator fees", s.Totals.ValidatorFees);
        Row("Protocol fees", s.Totals.ProtocolFees);
        Row("Total billed", s.Totals.Billed, css: "total");
        Row("Refund", s.Refund.Amount, s.Refund.Ledger.Label);
        Row("Reserved", s.Reserved.Amount, s.Reserved.Ledger.Label);
        h.Append("</tbody>\n</table>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"{(!s.Settled ? "muted" : s.Balanced ? "ok" : "bad")}\">{E(s.CheckLine)}</p>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p>{E(s.RefundLine)}</p>\n");
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }
}
