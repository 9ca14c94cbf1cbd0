using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// A finished job's money, checked to the micro-token against three sources that are kept apart: the invoice, the ledger's own
/// committed entries (read page by page from genesis) and the validators' verdicts in the round results.
/// </summary>
/// <param name="InvoiceSettled">Every transfer of the invoice is committed.</param>
/// <param name="InvoiceEqualsLedger">Every invoice line, fee, post and the refund is a ledger transfer of exactly that amount, payee and
/// reference, the ledger holds no other payout or fee of the job, and billed + refund = reserved.</param>
/// <param name="LedgerVerifies">The coordinator's replay of the whole chain (hashes, signatures, authorizations, balances) passed.</param>
/// <param name="LedgerPayouts">Micro-tokens of the job's payout transfers in the ledger.</param>
/// <param name="AcceptedPay">The same sum recomputed from the accepted verdicts: floor(samples × FLOPs × price × quality × scale / 10^17) each.</param>
/// <param name="PaidNotAccepted">Ledger payouts to a node whose update that round was not accepted by the verdict, or that had not
/// delivered one (must be 0).</param>
/// <param name="CreatorBalanceExact">The creator's wallet is its starting funds less exactly what was billed, with nothing reserved.</param>
/// <param name="Problems">What did not match, one line each.</param>
public sealed record ChurnSettlement(
    bool InvoiceSettled, bool InvoiceEqualsLedger, bool LedgerVerifies, long LedgerPayouts, long AcceptedPay, int PaidNotAccepted,
    bool CreatorBalanceExact, IReadOnlyList<string> Problems)
{
    /// <summary>Everything holds.</summary>
    public bool Exact => InvoiceSettled && InvoiceEqualsLedger && LedgerVerifies && LedgerPayouts == AcceptedPay && PaidNotAccepted == 0 &&
                         CreatorBalanceExact;

    /// <summary>Checks <paramref name="job"/> (ended) whose round attempts are <paramref name="rounds"/>.</summary>
    public static async Task<ChurnSettlement> CheckAsync(
        SwarmClient client, JobView job, IReadOnlyList<RoundView> rounds, long creatorFunds, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(rounds);
        var problems = new List<string>();
        var invoice = await SettledInvoiceAsync(client, job.Id, cancellation);
        var transfers = await LedgerTransfersAsync(client, cancellation);
        var ofJob = transfers.Values.Where(t => t.Job == job.Id).ToList();

        // The invoice against the ledger, line by line.
        var named = new HashSet<string>(StringComparer.Ordinal);
        void Expect(string? id, Func<TransferWire, bool> matches, string what)
        {
            if (id is null || !transfers.TryGetValue(id, out var t) || !matches(t))
                problems.Add($"{what}: the ledger has no transfer {id ?? "(none named)"} as the invoice states it");
            else
                named.Add(id);
        }
        foreach (var round in invoice.Rounds)
        {
            foreach (var line in round.Lines.Where(l => l.Payout > 0))
                Expect(line.TransferId, t => (t.Reason, t.Amount, t.CreditAccount, t.Round) ==
                    (Reason.Payout, line.Payout, TransferWire.Hex(MarketIds.Claimable(line.Node)), round.Index), $"round {round.Index} payout to {line.Node}");
            foreach (var fee in (round.ValidatorShares ?? [round.ValidatorFee]).Append(round.ProtocolFee).Where(f => f.Amount > 0))
                Expect(fee.TransferId, t => (t.Reason, t.Amount, t.CreditAccount) == (Reason.Fee, fee.Amount, TransferWire.Hex(MarketIds.Fees(fee.Payee))),
                    $"round {round.Index} {fee.Kind} fee");
            if (round.Total > 0)
                Expect(round.PostTransferId, t => (t.Kind, t.Amount) == (TransferKind.Post, round.Total), $"round {round.Index} post");
        }
        var unnamed = ofJob.Where(t => t.Reason is Reason.Payout or Reason.Fee && !named.Contains(t.Id)).ToList();
        foreach (var t in unnamed)
            problems.Add($"the ledger's {t.Reason} {t.Id} of {t.Amount} (round {t.Round}) is on no invoice line");
        if (invoice.TotalBilled + invoice.Refund != invoice.Reserved)
            problems.Add($"billed {invoice.TotalBilled} + refund {invoice.Refund} ≠ reserved {invoice.Reserved}");
        if (invoice.Rounds.Sum(r => r.Total) != invoice.TotalBilled)
            problems.Add($"the rounds' totals add up to {invoice.Rounds.Sum(r => r.Total)}, the invoice bills {invoice.TotalBilled}");
        var invoiceEqualsLedger = problems.Count == 0;

        // The ledger's payouts against the validators' verdicts.
        var ledgerPayouts = ofJob.Where(t => t.Reason == Reason.Payout).Sum(t => t.Amount);
        long acceptedPay = 0;
        var paidNotAccepted = 0;
        foreach (var round in invoice.Rounds)
        {
            var result = (await client.RoundResultAsync(round.RoundId, cancellation)).Result;
            var attempt = rounds.SingleOrDefault(r => r.Id == round.RoundId && r.Attempt == round.Attempt);
            if (result.Attempt != round.Attempt || attempt is null)
            {
                problems.Add($"round {round.RoundId}: the invoice pays attempt {round.Attempt}, the stored result is attempt {result.Attempt}");
                continue;
            }
            foreach (var verdict in result.Verdicts.Where(v => v.Accepted))
                acceptedPay += Pay(round.Terms, verdict.Samples, round.Lines.Single(l => l.Node == verdict.Node).QualityBps, round.BudgetScaleBps);
            foreach (var payout in ofJob.Where(t => t.Reason == Reason.Payout && t.Round == round.Index))
            {
                var accepted = result.Verdicts.Any(v => v.Accepted && TransferWire.Hex(MarketIds.Claimable(v.Node)) == payout.CreditAccount &&
                    attempt.Participants.Any(p => p.Node == v.Node && p.Status == ParticipantStatus.Submitted && p.UpdateBlob == v.UpdateBlob));
                if (!accepted)
                    paidNotAccepted++;
            }
        }
        if (ledgerPayouts != acceptedPay)
            problems.Add($"the ledger paid {ledgerPayouts} for the job, the accepted verdicts are worth {acceptedPay}");
        if (paidNotAccepted > 0)
            problems.Add($"{paidNotAccepted} payouts went to nodes whose update was not accepted");

        var verification = await client.VerifyLedgerAsync(cancellation);
        if (!verification.Ok)
            problems.Add("the ledger does not verify: " + verification.Summary);
        var creator = await client.BalancesAsync(invoice.Creator, cancellation);
        var creatorExact = (creator.Wallet, creator.Reserved) == (creatorFunds - invoice.TotalBilled, 0L);
        if (!creatorExact)
            problems.Add($"the creator holds {creator.Wallet} (+{creator.Reserved} reserved), expected {creatorFunds - invoice.TotalBilled}");
        return new ChurnSettlement(invoice.Settled, invoiceEqualsLedger, verification.Ok, ledgerPayouts, acceptedPay, paidNotAccepted, creatorExact,
            problems);
    }

    /// <summary>floor(samples × FLOPs per sample × price × quality × scale / (10^9 × 10^4 × 10^4)), samples capped at H × batch.</summary>
    public static long Pay(RewardTerms terms, long samples, int qualityBps, int scaleBps)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var paid = Math.Clamp(samples, 0, terms.MaxSamplesPerUpdate);
        return checked((long)((Int128)paid * terms.TrainingFlopsPerSample * terms.PricePerUnit * qualityBps * scaleBps
                              / ((Int128)1_000_000_000 * 10_000 * 10_000)));
    }

    private static async Task<Invoice> SettledInvoiceAsync(SwarmClient client, string jobId, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var invoice = await client.InvoiceAsync(jobId, cancellation);
            if (invoice.Settled || DateTime.UtcNow > deadline)
                return invoice;
            await Task.Delay(250, cancellation);
        }
    }

    // Every committed transfer by id, read a page at a time from genesis.
    internal static async Task<Dictionary<string, TransferWire>> LedgerTransfersAsync(SwarmClient client, CancellationToken cancellation)
    {
        var transfers = new Dictionary<string, TransferWire>(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            var page = await client.LedgerEntriesAsync(after, 1000, cancellation);
            foreach (var entry in page)
                if (entry.Transfer is { } t)
                    transfers[t.Id] = t;
            if (page.Count < 1000)
                return transfers;
            after = page[^1].Sequence;
        }
    }
}
