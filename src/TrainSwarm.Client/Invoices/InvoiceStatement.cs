using System.Globalization;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Client.Invoices;

/// <summary>
/// A job's invoice as every renderer shows it (the CLI's table, the CLI's HTML page, the dashboard's table), computed
/// once from the wire <see cref="Invoice"/>: the quote, the reservation, each round's node lines, fees and total, the
/// totals, the refund and the balanced check. Renderers choose layout and wording around these rows; the figures,
/// their ledger entries and the check are decided here. Amounts are micro-tokens; <see cref="Asset.Format"/> prints them.
/// </summary>
public sealed record InvoiceStatement(
    string JobId, string Creator, JobStatus Status, string? StatusReason, StatementQuote Quote,
    StatementAmount Reserved, IReadOnlyList<StatementRound> Rounds, StatementTotals Totals, StatementRefund Refund, bool Settled)
{
    /// <summary>What the lines' samples count, as the coordinator names it (<c>tokens</c>, <c>env steps</c>); null: samples.</summary>
    public string? SampleUnit { get; init; }

    /// <summary>A round total at full pay: 10000 basis points.</summary>
    public const int FullScaleBps = 10_000;

    /// <summary>Builds the statement of <paramref name="invoice"/>; pure, so every renderer of one invoice agrees.</summary>
    public static InvoiceStatement From(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var q = invoice.Quote;
        var rounds = invoice.Rounds.Select(r => new StatementRound(
            r.RoundId, r.Index, r.Attempt, r.BudgetScaleBps,
            [.. r.Lines.Select(l => new StatementLine(
                l.Node, l.Accepted, l.Reason, l.Samples, l.Flops, l.QualityBps, l.Payout, new StatementEntry(l.TransferId, l.Sequence),
                l.BaseReturn, l.UpdatedReturn))],
            Fee(r.ValidatorFee), Fee(r.ProtocolFee),
            new StatementAmount(r.Total, new StatementEntry(r.PostTransferId, r.PostSequence)),
            r.ValidatorShares?.Select(Fee).ToList(), r.Dissenters)).ToList();
        return new InvoiceStatement(
            invoice.JobId, invoice.Creator, invoice.Status, invoice.StatusReason,
            new StatementQuote(q.Id, q.Total, q.ComputeCost, q.ComputeUnits, q.PricePerUnit, q.ValidatorFee, q.ProtocolFee),
            new StatementAmount(invoice.Reserved, new StatementEntry(invoice.EscrowTransferId, invoice.EscrowSequence)),
            rounds,
            new StatementTotals(invoice.ComputePaid, invoice.ValidatorFees, invoice.ProtocolFees, invoice.TotalBilled),
            new StatementRefund(invoice.Refund, new StatementEntry(invoice.RefundTransferId, invoice.RefundSequence)),
            invoice.Settled) { SampleUnit = invoice.SampleUnit };
    }

    private static StatementFee Fee(FeeLine f) => new(f.Payee, new StatementAmount(f.Amount, new StatementEntry(f.TransferId, f.Sequence)));

    /// <summary>True when the invoice is final and adds up: billed + refund = reserved.</summary>
    public bool Balanced => Settled && Totals.Billed + (Refund.Amount ?? 0) == Reserved.Amount;

    /// <summary>True for an rl job's invoice: its lines' samples are environment steps and quality follows evaluation returns.</summary>
    public bool EnvSteps => Rounds.Any(r => r.Lines.Any(l => l.BaseReturn is not null));

    /// <summary>What a line's samples are: "env steps" for an rl job, else "samples".</summary>
    public string SamplesLabel => SampleUnit ?? (EnvSteps ? "env steps" : "samples");

    /// <summary>What the quality weight follows, for the legend under the rounds.</summary>
    public string QualityBasis => EnvSteps
        ? "the update's pay weight from the mean evaluation return of global + delta against the global's (full when not lower, else updated / base)"
        : SampleUnit == "sequence tokens"
        ? "the update's pay weight from the held-out exact match of global + delta against the global's (full when not lower, else updated / base)"
        : "the update's pay weight from its holdout loss";

    /// <summary>True when any round was scaled down to fit the rest of the budget.</summary>
    public bool AnyScaled => Rounds.Any(r => r.Scaled);

    /// <summary>"completed", or "cancelled: by the creator": the status with its reason.</summary>
    public string StatusText =>
        Status.ToString().ToLowerInvariant() + (string.IsNullOrEmpty(StatusReason) ? "" : ": " + StatusReason);

    /// <summary>
    /// Each validator paid a fee, with the indexes of the rounds it judged, in round order (for a quorum round, every
    /// validator that shared its fee; a dissenter is not one of them).
    /// </summary>
    public IReadOnlyList<(string Payee, IReadOnlyList<int> Rounds)> ValidatorPayees =>
        [.. Rounds.SelectMany(r => (r.ValidatorShares?.Select(s => s.Payee) ?? [r.ValidatorFee.Payee]).Select(p => (Payee: p, r.Index)))
            .GroupBy(x => x.Payee).Select(g => (g.Key, (IReadOnlyList<int>)[.. g.Select(x => x.Index)]))];

    /// <summary>The line saying whether billed + refund = reserved.</summary>
    public string CheckLine
    {
        get
        {
            var sum = $"billed + refund = reserved: {Asset.Format(Totals.Billed)} + {Asset.Format(Refund.Amount ?? 0)}";
            if (!Settled)
                return $"{sum} of {Asset.Format(Reserved.Amount)} reserved so far; "
                    + "not settled yet (the job is running or its transfers are still being committed)";
            return Balanced
                ? $"{sum} = {Asset.Format(Reserved.Amount)}: balanced"
                : $"{sum} ≠ {Asset.Format(Reserved.Amount)}: NOT balanced";
        }
    }

    /// <summary>The refund line: how much went back to the creator, and the ledger entry that did it.</summary>
    public string RefundLine => Refund.Amount switch
    {
        null => "refund: none yet (the job is still running)",
        0 => "refund: 0.000000 tokens (the whole budget was spent)",
        var r when Refund.Ledger.Committed => $"refund: {Asset.Format(r.Value)} tokens returned to the creator (ledger entry #{Refund.Ledger.Sequence})",
        var r => $"refund: {Asset.Format(r.Value)} tokens, not yet committed to the ledger",
    };

    /// <summary>A weight in basis points as a percentage, exactly: 9876 → "98.76%".</summary>
    public static string Percent(int bps) => string.Create(CultureInfo.InvariantCulture, $"{bps / 100}.{bps % 100:D2}%");

    /// <summary>Compute units of <paramref name="flops"/> training FLOPs (10^9 FLOPs each), two decimals.</summary>
    public static string Units(long flops) => (flops / 1e9).ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>A whole number with thousands separators: 1234567 → "1,234,567".</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>The quote a job was priced with: its total and how it was made.</summary>
public sealed record StatementQuote(
    string Id, long Total, long ComputeCost, long ComputeUnits, long PricePerUnit, long ValidatorFee, long ProtocolFee);

/// <summary>An amount in micro-tokens and the ledger transfer that moved it.</summary>
public sealed record StatementAmount(long Amount, StatementEntry Ledger);

/// <summary>A fee of a round: who was paid, how much, and its transfer.</summary>
public sealed record StatementFee(string Payee, StatementAmount Amount);

/// <summary>
/// One node's update in a round: the samples (an rl job's environment steps) and FLOPs paid for, its quality weight, its payout,
/// and for an rl job the mean returns the weight came from.
/// </summary>
public sealed record StatementLine(
    string Node, bool Accepted, string? Reason, long Samples, long Flops, int QualityBps, long Payout, StatementEntry Ledger,
    double? BaseReturn = null, double? UpdatedReturn = null);

/// <summary>One paid round attempt: its node lines, its two fees, and its total (the post out of the reservation).</summary>
/// <param name="ValidatorShares">For a round judged by a quorum: each agreeing validator's share of the validator fee (null for one validator).</param>
/// <param name="Dissenters">Validators whose result the quorum outvoted: paid nothing (null when none).</param>
public sealed record StatementRound(
    string RoundId, int Index, int Attempt, int BudgetScaleBps, IReadOnlyList<StatementLine> Lines,
    StatementFee ValidatorFee, StatementFee ProtocolFee, StatementAmount Total, IReadOnlyList<StatementFee>? ValidatorShares = null,
    IReadOnlyList<string>? Dissenters = null)
{
    /// <summary>True when every line of the round was scaled down to fit the rest of the budget.</summary>
    public bool Scaled => BudgetScaleBps < InvoiceStatement.FullScaleBps;
}

/// <summary>What the job was billed: compute paid to nodes, the fees, and their sum.</summary>
public sealed record StatementTotals(long ComputePaid, long ValidatorFees, long ProtocolFees, long Billed);

/// <summary>What returned to the creator when the job ended (null amount while it runs), and its transfer.</summary>
public sealed record StatementRefund(long? Amount, StatementEntry Ledger);

/// <summary>A ledger transfer as an invoice cites it: its id (null when nothing moved) and its entry (0 until committed).</summary>
public readonly record struct StatementEntry(string? TransferId, long Sequence)
{
    /// <summary>True once the ledger has committed the transfer.</summary>
    public bool Committed => Sequence > 0;

    /// <summary>"#42", or "pending" for a transfer not committed yet, or "" when there is no transfer.</summary>
    public string Label => TransferId is null ? "" : Committed ? "#" + Sequence.ToString(CultureInfo.InvariantCulture) : "pending";

    /// <summary>"#42" once committed, else "": what the dashboard shows.</summary>
    public string CommittedLabel => Committed ? "#" + Sequence.ToString(CultureInfo.InvariantCulture) : "";
}
