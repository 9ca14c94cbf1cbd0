using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Client;

/// <summary>The market and the ledger: escrowed submission, rewards, claims, balances, the faucet, the chain.</summary>
public sealed partial class SwarmClient
{
    /// <summary>
    /// Submits a job priced by <paramref name="quote"/>: signs the escrow reserving <paramref name="budget"/> micro-tokens
    /// from this client's wallet (see <see cref="MarketTerms.Escrow"/>) and sends it with the spec. A retry with the same
    /// quote returns the same job.
    /// </summary>
    public async Task<JobView> SubmitJobAsync(
        JobSpec spec, Quote quote, long budget, int deadlineSeconds, bool partialBudget = false, CancellationToken cancellation = default)
    {
        var coordinator = (await InfoAsync(cancellation)).Address;
        var escrow = MarketTerms.Escrow(RequireKey().Address, coordinator, quote.JobId, budget, deadlineSeconds);
        var submission = new JobSubmission(spec, quote.Id, budget, deadlineSeconds, SignedTransferWire.Sign(escrow, RequireKey()), partialBudget);
        return await SendSignedAsync<JobView>(HttpMethod.Post, Routes.Jobs, submission, cancellation);
    }

    /// <summary>A job's itemized invoice (final once <see cref="Invoice.Settled"/>).</summary>
    public Task<Invoice> InvoiceAsync(string jobId, CancellationToken cancellation = default) => GetAsync<Invoice>(Routes.JobInvoice(jobId), cancellation);

    /// <summary>A round's reward receipt: each update's pay with its inputs, the fees and their ledger transfers.</summary>
    public Task<RoundRewards> RoundRewardsAsync(string roundId, CancellationToken cancellation = default) =>
        GetAsync<RoundRewards>(Routes.RoundRewards(roundId), cancellation);

    /// <summary>An actor's accounts and balances.</summary>
    public Task<Balances> BalancesAsync(string address, CancellationToken cancellation = default) => GetAsync<Balances>(Routes.Balances(address), cancellation);

    /// <summary>Mints <paramref name="amount"/> micro-tokens into this client's wallet (devnet coordinators only).</summary>
    public Task<TransferOutcome> FaucetAsync(long amount, CancellationToken cancellation = default) =>
        SendSignedAsync<TransferOutcome>(HttpMethod.Post, Routes.Faucet, new FaucetRequest(amount), cancellation);

    /// <summary>Signs <paramref name="request"/> with this client's key and submits it to the ledger.</summary>
    public Task<TransferOutcome> TransferAsync(TransferRequest request, CancellationToken cancellation = default) =>
        SendSignedAsync<TransferOutcome>(HttpMethod.Post, Routes.LedgerTransfers, SignedTransferWire.Sign(request, RequireKey()), cancellation);

    /// <summary>
    /// Moves this node's payout for a round from its claimable balance into its wallet. Null when the round paid this
    /// node nothing; the ledger answers "exists" for a round claimed before.
    /// </summary>
    public async Task<TransferOutcome?> ClaimAsync(string roundId, CancellationToken cancellation = default)
    {
        var rewards = await RoundRewardsAsync(roundId, cancellation);
        var node = RequireKey().Address;
        var line = rewards.Lines.FirstOrDefault(l => l.Node == node);
        if (line is null || line.Payout == 0)
            return null;
        return await TransferAsync(MarketTerms.Claim(node, rewards.JobId, rewards.Index, roundId, line.Payout), cancellation);
    }

    /// <summary>One committed transfer.</summary>
    public Task<TransferWire> LedgerTransferAsync(string id, CancellationToken cancellation = default) =>
        GetAsync<TransferWire>(Routes.LedgerTransfer(id), cancellation);

    /// <summary>Ledger entries after <paramref name="afterSequence"/>, oldest first (at most <paramref name="limit"/>).</summary>
    public Task<IReadOnlyList<LedgerEntryView>> LedgerEntriesAsync(long afterSequence = 0, int limit = 100, CancellationToken cancellation = default) =>
        GetAsync<IReadOnlyList<LedgerEntryView>>($"{Routes.LedgerEntries}?after={afterSequence}&limit={limit}", cancellation);

    /// <summary>The <paramref name="limit"/> ledger entries before <paramref name="before"/> (null: the head), newest first.</summary>
    public Task<LedgerPage> LedgerPageAsync(long? before = null, int limit = 50, string? jobId = null, CancellationToken cancellation = default) =>
        GetAsync<LedgerPage>(Routes.LedgerPage + NewestFirst(before, limit, jobId), cancellation);

    /// <summary>Has the coordinator replay its ledger and report.</summary>
    public Task<LedgerVerification> VerifyLedgerAsync(CancellationToken cancellation = default) =>
        GetAsync<LedgerVerification>(Routes.LedgerVerify, cancellation);
}
