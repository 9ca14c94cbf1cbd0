using System.Security.Cryptography;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Ledger;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Layers;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.State;

/// <summary>Jobs: submission (with the initial model), cancellation and views.</summary>
public sealed partial class SwarmService
{
    /// <summary>
    /// Checks a submission (spec, quote, budget, deadline, escrow), reserves the budget in the ledger, stores the initial
    /// model and opens round 0. The creator must be a registered actor. Submitting the same quote again returns its job.
    /// </summary>
    public async Task<JobView> SubmitJobAsync(string creator, JobSubmission submission, CancellationToken cancellation)
    {
        var spec = submission?.Spec ?? throw ApiProblemException.BadRequest("spec is required");
        var initial = ModuleWeights.ToBytes(CheckSpec(spec));
        var modelId = BlobId.Of(initial);
        await Blobs.PutAsync(modelId, initial, cancellation);
        return await MutateWithLedgerAsync(async changes =>
        {
            if (!_actors.ContainsKey(creator))
                throw ApiProblemException.Forbidden($"{creator} is not registered; register the key first (POST {Routes.Actors})");
            if (_quotes.GetValueOrDefault(submission.QuoteId ?? "") is { } used && _jobs.TryGetValue(used.JobId, out var existing))
                return existing.Creator == creator && existing.Billing?.Budget == submission.Budget
                    ? existing
                    : throw new ApiProblemException(409, "Quote used", $"quote {used.Id} was used by job {used.JobId}; get a new quote");
            var (quote, billing) = await EscrowAsync(creator, submission, cancellation);
            var (job, round) = JobMachine.Submit(quote.JobId, creator, spec, modelId, Now, billing);
            PutJob(changes, job);
            PutRound(changes, round);
            PutEscrow(changes, NewEscrow(job, quote, billing));
            changes.Event(job.Id, null, new Happening(EventTypes.JobSubmitted, null,
                $"job {job.Id} submitted: {Describe(spec)}; {Asset.Format(billing.Budget)} tokens in escrow (quoted {Asset.Format(quote.Total)}), deadline {billing.Deadline:u}", spec));
            changes.Event(job.Id, round.Id, new Happening(EventTypes.RoundStarted, null, $"round 0 open for up to {spec.MaxNodes} nodes"));
            return job;
        }, cancellation);
    }

    /// <summary>
    /// Checks a spec completely: every field rule, then the layer list by building the model and running it once
    /// (grammar, size, fit to the data). A bad spec is a 400 naming every bad field; a good one returns the model,
    /// initialized from the spec's seed.
    /// </summary>
    private static Sequential CheckSpec(JobSpec spec)
    {
        var errors = JobSpecRules.Validate(spec);
        if (errors.Count == 0)
        {
            try
            {
                var model = ModelBuilder.Build(spec.Model, spec.Layers, spec.Seed);
                ModelBuilder.CheckFits(model, InputShape, FashionMnist.Classes);
                return model;
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                errors["layers"] = [e.Message];
            }
        }
        throw new ApiProblemException(400, "Invalid job spec", "the job spec has invalid fields: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")), errors);
    }

    /// <summary>
    /// Stores a job that ended outside a round's close (cancelled, expired): its open round closes with it, every stake
    /// in it is released and the unspent escrow returns to the creator.
    /// </summary>
    private JobView EndJob(Changes changes, JobView ended)
    {
        // A round already done has had its stakes released when it closed; only an open one still holds any.
        var round = CurrentRound(ended.Id);
        var closing = round is { Status: not RoundStatus.Done } ? round with { Status = RoundStatus.Done, DoneAt = Now, PhaseDeadline = Now } : null;
        if (closing is not null)
            PutRound(changes, closing);
        var job = PlanMoney(changes, ended, closing, null, null);
        PutJob(changes, job);
        return job;
    }

    // Every catalog dataset is 28×28 grey images in 10 classes.
    private static readonly int[] InputShape = [1, 28, 28];

    /// <summary>Cancels a running job (creator only); its open round closes with it.</summary>
    public Task<JobView> CancelJobAsync(string actor, string jobId, CancellationToken cancellation) =>
        MutateAsync(changes =>
        {
            var job = _jobs.GetValueOrDefault(jobId) ?? throw ApiProblemException.NotFound($"no job {jobId}");
            var cancelled = JobMachine.Cancel(job, actor, Now);
            if (!cancelled.Ok)
                throw ApiProblemException.From(cancelled.Refusal!);
            var ended = EndJob(changes, cancelled.Value!);
            changes.Event(jobId, null, new Happening(EventTypes.JobDone, null, $"job {jobId} cancelled by the creator"));
            return ended;
        }, cancellation);

    /// <summary>All jobs, newest first.</summary>
    public Task<IReadOnlyList<JobView>> JobsAsync(CancellationToken cancellation) =>
        ReadAsync<IReadOnlyList<JobView>>(() => _jobs.Values.OrderByDescending(j => j.CreatedAt).ToList(), cancellation);

    /// <summary>One job, or null.</summary>
    public Task<JobView?> JobAsync(string id, CancellationToken cancellation) => ReadAsync(() => _jobs.GetValueOrDefault(id), cancellation);

    /// <summary>Every attempt of every round of a job, oldest first; null when the job does not exist.</summary>
    public Task<IReadOnlyList<RoundView>?> JobRoundsAsync(string id, CancellationToken cancellation) =>
        ReadAsync<IReadOnlyList<RoundView>?>(() => _jobs.ContainsKey(id)
            ? _rounds.Values.Where(r => r.JobId == id).OrderBy(r => r.Index).ThenBy(r => r.Attempt).ToList()
            : null, cancellation);

    private RoundView? CurrentRound(string jobId) =>
        _rounds.Values.Where(r => r.JobId == jobId).OrderBy(r => r.Index).ThenBy(r => r.Attempt).LastOrDefault();

    private static string Describe(JobSpec spec) =>
        $"{(spec.Layers is null ? spec.Model : "custom model")} on {spec.Dataset}, {spec.Rounds} rounds × {spec.MinNodes}–{spec.MaxNodes} nodes × H={spec.InnerSteps}, {spec.Strategy}";
}
