using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;
using TrainSwarm.Storage.Ledger;
using TrainSwarm.Coordinator.Telemetry;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// A creator submits a job: the spec, quote, budget, deadline and escrow are checked, the budget is reserved in the
/// ledger, the initial model is stored and round 0 opens.
/// </summary>
public sealed class SubmitJob(
    SwarmState state, StateCommitter committer, BlobStore blobs, LedgerStore ledger, MeteredLedger metered, LedgerAccounts accounts,
    CoordinatorIdentity identity, Queries.DatasetQueries datasets)
{
    /// <summary>Submits the job. The creator must be a registered actor. Submitting the same quote again returns its job.</summary>
    public async Task<JobRecord> SubmitAsync(string creator, JobSubmission submission, CancellationToken cancellation)
    {
        var spec = submission?.Spec ?? throw Refuse.Invalid("spec is required");
        var uploaded = await committer.ReadAsync(() => datasets.Usable(spec.UploadedDataset), cancellation);
        // A creator's upload is theirs: another creator cannot spend nodes' work on it, nor learn its labels through a job.
        if (uploaded is not null && uploaded.Owner != creator)
            throw Refuse.Forbidden($"dataset {uploaded.Id} belongs to another creator; upload your own copy");
        var initial = JobSpecCheck.InitialModel(spec, uploaded);
        var modelId = BlobId.Of(initial);
        await blobs.PutAsync(modelId, initial, cancellation);
        return await committer.MutateWithLedgerAsync(async changes =>
        {
            if (!state.Actors.ContainsKey(creator))
                throw Refuse.Forbidden($"{creator} is not registered; register the key first (POST {Routes.Actors})");
            if (state.Quotes.GetValueOrDefault(submission.QuoteId ?? "") is { } used && state.Jobs.TryGetValue(used.JobId, out var existing))
                return existing.Creator == creator && existing.Billing?.Budget == submission.Budget
                    ? existing
                    : throw Refuse.With(RefusalKind.Conflict, "Quote used", $"quote {used.Id} was used by job {used.JobId}; get a new quote");
            var (quote, billing) = await EscrowAsync(creator, submission, cancellation);
            var (job, round) = JobMachine.Submit(quote.JobId, creator, spec, modelId, state.Now, billing);
            state.PutJob(changes, job);
            state.PutRound(changes, round);
            state.PutEscrow(changes, NewEscrow(job, quote, billing));
            changes.Event(job.Id, null, new Happening(EventTypes.JobSubmitted, null,
                $"job {job.Id} submitted: {Describe(spec)}; {Asset.Format(billing.Budget)} tokens in escrow "
                + $"(quoted {Asset.Format(quote.Total)}), deadline {billing.Deadline:u}", spec));
            changes.Event(job.Id, round.Id, new Happening(EventTypes.RoundStarted, null, $"round 0 open for up to {spec.MaxNodes} nodes"));
            return job;
        }, cancellation);
    }

    /// <summary>
    /// Checks that <paramref name="submission"/> matches its quote and that its escrow is exactly the reservation of its
    /// budget, then commits the escrow to the ledger. Returns the job's billing; refuses anything wrong.
    /// </summary>
    private async Task<(Quote Quote, JobBilling Billing)> EscrowAsync(string creator, JobSubmission submission, CancellationToken cancellation)
    {
        var quote = state.Quotes.GetValueOrDefault(submission.QuoteId ?? "")
            ?? throw Refuse.NotFound($"no quote {submission.QuoteId}; price the spec first (POST {Routes.JobQuote})");
        if (Quote.DigestOf(submission.Spec) != quote.SpecDigest)
            throw Refuse.Invalid($"the spec differs from the one quote {quote.Id} priced; quote this spec");
        if (state.Now > quote.ValidUntil)
            throw Refuse.With(RefusalKind.Conflict, "Quote expired", $"quote {quote.Id} expired at {quote.ValidUntil:u}; get a new quote");
        if (submission.Budget <= 0)
            throw Refuse.Invalid("budget must be a positive number of micro-tokens");
        if (submission.Budget < quote.Total && !submission.PartialBudget)
            throw Refuse.Invalid(
                $"budget {Asset.Format(submission.Budget)} is below the quote's total {Asset.Format(quote.Total)} tokens; raise it, or accept a "
                + "partial job (partialBudget) that trains until the budget is spent");
        if (!Bounds.IsValidDeadline(submission.DeadlineSeconds))
            throw Refuse.Invalid($"deadlineSeconds must be between {Bounds.MinDeadlineSeconds} and {Bounds.MaxDeadlineSeconds} (30 days)");
        if (submission.Escrow?.Transfer is null)
            throw Refuse.Invalid("escrow is required: the creator's signed pending transfer of the budget");
        SignedTransfer escrow;
        try
        {
            escrow = submission.Escrow.ToSigned();
        }
        catch (FormatException e)
        {
            throw Refuse.Invalid("escrow: " + e.Message);
        }
        if (escrow.Actor!.Address != creator)
            throw Refuse.Forbidden($"the escrow must be signed by the submitting creator {creator}");
        var expected = MarketTerms.Escrow(creator, identity.Address, quote.JobId, submission.Budget, submission.DeadlineSeconds);
        if ((escrow.Request.Id != expected.Id ? "Id" : expected.FirstDifference(escrow.Request)) is { } field)
            throw Refuse.Invalid(
                $"escrow.{char.ToLowerInvariant(field[0])}{field[1..]} differs from the reservation this submission needs (see MarketTerms.Escrow)");

        await accounts.OpenAsync([new NewAccount(MarketIds.Wallet(creator), creator, AccountKind.Wallet),
            new NewAccount(MarketIds.EscrowAccount(identity.Address, quote.JobId), identity.Address, AccountKind.Escrow)], cancellation);
        var result = (await metered.SubmitAsync([escrow], state.Now, CancellationToken.None))[0];
        if (result.Status == TransferStatus.InsufficientFunds)
        {
            var wallet = await ledger.GetAccountAsync(MarketIds.Wallet(creator), cancellation);
            throw Refuse.With(RefusalKind.InsufficientFunds, "Insufficient funds",
                $"wallet {creator} has {Asset.Format(wallet?.Available ?? 0)} tokens available; the budget needs {Asset.Format(submission.Budget)}. "
                + "Fund the wallet (on a devnet: swarm wallet faucet)");
        }
        if (!result.Succeeded)
            throw Refuse.Invalid($"the ledger refused the escrow: {WireText.Kebab(result.Status)}");
        return (quote, new JobBilling(quote.Id, quote.Total, submission.Budget, state.Now.AddSeconds(submission.DeadlineSeconds), submission.PartialBudget,
            TransferWire.Hex(escrow.Request.Id), 0, null));
    }

    /// <summary>The market record of a job just submitted: its terms and its first reservation, the whole budget.</summary>
    private static EscrowRecord NewEscrow(JobRecord job, Quote quote, JobBilling billing) => new(
        job.Id, job.Creator, quote, Settlement.TermsFor(quote, job.Spec), billing.Budget, billing.Deadline,
        billing.Deadline.AddSeconds(MarketTerms.EscrowGraceSeconds), billing.PartialBudget,
        billing.EscrowTransferId, billing.Budget, 0, [], null, null, null);

    private static string Describe(JobSpec spec) => spec.IsLm
        ? LmJobText.Describe(spec)
        : spec.IsGrpo
        ? GrpoJobText.Describe(spec)
        : spec.IsRl
        ? $"{spec.RlSettings.Preset} on {spec.RlSettings.Environment}, {spec.Rounds} rounds × {spec.MinNodes}–{spec.MaxNodes} nodes "
          + $"× {spec.RlSettings.RolloutsPerRound} rollouts of {spec.RlSettings.RolloutSize} steps, {spec.Strategy}"
        : $"{(spec.Layers is null ? spec.Model : "custom model")} on {spec.Dataset}, {spec.Rounds} rounds × {spec.MinNodes}–{spec.MaxNodes} nodes "
        + $"× H={spec.InnerSteps}, {spec.Strategy}";
}
