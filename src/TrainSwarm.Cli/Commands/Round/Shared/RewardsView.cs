using System.Globalization;
using Spectre.Console;
using TrainSwarm.Client.Invoices;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Round;

/// <summary>A round's reward receipt for people, as `round rewards` prints it.</summary>
internal static class RewardsView
{
    /// <summary>A round's reward receipt as a table: every update's pay and why, the fees, the total.</summary>
    /// <param name="kind">The job's kind: which held-out metric the lines show (<see cref="HeldOutText.Line"/>).</param>
    public static void Render(IAnsiConsole console, RoundRewards r, string? kind)
    {
        var w = console.Profile.Out.Writer;
        var t = r.Terms;
        w.WriteLine($"Rewards of round {r.RoundId} (job {r.JobId}, round {r.Index}, try {r.Attempt}), "
            + (r.ValidatorShares is { } shares
                ? $"judged by a quorum of {shares.Count} validators ({string.Join(", ", shares.Select(s => s.Payee))})"
                : $"judged by validator {r.Validator}"));
        w.WriteLine($"terms: {Asset.Format(t.PricePerUnit)} tokens per compute unit, {Count(t.TrainingFlopsPerSample)} FLOPs per sample, "
            + $"at most {Count(t.MaxSamplesPerUpdate)} samples per update; "
            + $"fees: validator {Percent(t.ValidatorFeeBps)}, protocol {Percent(t.ProtocolFeeBps)} of compute"
            + (r.BudgetScaleBps < InvoiceStatement.FullScaleBps ? $"; scaled to {Percent(r.BudgetScaleBps)} by the remaining budget" : ""));
        var table = new Table()
            .AddColumn("node").AddColumn("accepted").AddColumn("reason")
            .AddColumn(new TableColumn("samples").RightAligned()).AddColumn(HeldOutText.LineHeader(kind))
            .AddColumn(new TableColumn("quality").RightAligned()).AddColumn(new TableColumn("payout").RightAligned())
            .AddColumn(new TableColumn("ledger").RightAligned());
        foreach (var l in r.Lines)
            table.AddRow(Markup.Escape(Remote.Short(l.Node)), l.Accepted ? "yes" : "no", Markup.Escape(l.Reason ?? ""), Count(l.Samples),
                Markup.Escape(HeldOutText.Line(l, kind)),
                Percent(l.QualityBps), Asset.Format(l.Payout), Entry(l.TransferId, l.Sequence));
        table.AddRow("validator fee", "", "", "", "", "", Asset.Format(r.ValidatorFee.Amount),
            Entry(r.ValidatorFee.TransferId, r.ValidatorFee.Sequence));
        foreach (var share in r.ValidatorShares ?? [])
            table.AddRow(Markup.Escape($"  share {Remote.Short(share.Payee)}"), "", "", "", "", "", Asset.Format(share.Amount),
                Entry(share.TransferId, share.Sequence));
        foreach (var dissenter in r.Dissenters ?? [])
            table.AddRow(Markup.Escape($"  dissent {Remote.Short(dissenter)}"), "", "outvoted by the quorum", "", "", "", Asset.Format(0), "");
        table.AddRow("protocol fee", "", "", "", "", "", Asset.Format(r.ProtocolFee.Amount), Entry(r.ProtocolFee.TransferId, r.ProtocolFee.Sequence));
        table.AddRow("[bold]total[/]", "", "", "", "", "", $"[bold]{Asset.Format(r.Total)}[/]", Entry(r.PostTransferId, r.PostSequence));
        console.Write(table);
        w.WriteLine($"total: {Asset.Format(r.Total)} tokens billed to the job's creator; "
            + (r.Settled ? "settled (every transfer is committed to the ledger)" : "not settled yet (transfers are still being committed)"));
    }

    private static string Count(long n) => InvoiceStatement.Count(n);

    private static string Percent(int bps) => InvoiceStatement.Percent(bps);

    private static string Entry(string? transferId, long sequence) => new StatementEntry(transferId, sequence).Label;
}
