using System.Security.Cryptography;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.State;

/// <summary>Jobs: submission (with the initial model), cancellation and views.</summary>
public sealed partial class SwarmService
{
    /// <summary>Checks a spec, stores its initial model and opens round 0. The creator must be a registered actor.</summary>
    public async Task<JobView> SubmitJobAsync(string creator, JobSpec spec, CancellationToken cancellation)
    {
        var errors = JobSpecRules.Validate(spec);
        byte[]? initial = null;
        if (errors.Count == 0)
        {
            try
            {
                // Building and running the model once checks a layer list completely (grammar, size, fit to the data); its weights are round 0's base.
                var model = ModelBuilder.Build(spec.Model, spec.Layers, spec.Seed);
                ModelBuilder.CheckFits(model, [1, 28, 28], FashionMnist.Classes); // every catalog dataset is 28×28 grey images in 10 classes
                initial = ModuleWeights.ToBytes(model);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                errors["layers"] = [e.Message];
            }
        }
        if (errors.Count > 0)
            throw new ApiProblemException(400, "Invalid job spec", "the job spec has invalid fields: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")), errors);
        var modelId = BlobId.Of(initial);
        await Blobs.PutAsync(modelId, initial, cancellation);
        return await MutateAsync(changes =>
        {
            if (!_actors.ContainsKey(creator))
                throw ApiProblemException.Forbidden($"{creator} is not registered; register the key first (POST {Routes.Actors})");
            var id = "j" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var (job, round) = JobMachine.Submit(id, creator, spec, modelId, Now);
            PutJob(changes, job);
            PutRound(changes, round);
            changes.Event(job.Id, null, new Happening(EventTypes.JobSubmitted, null, $"job {job.Id} submitted: {Describe(spec)}", spec));
            changes.Event(job.Id, round.Id, new Happening(EventTypes.RoundStarted, null, $"round 0 open for up to {spec.MaxNodes} nodes"));
            return job;
        }, cancellation);
    }

    /// <summary>Cancels a running job (creator only); its open round closes with it.</summary>
    public Task<JobView> CancelJobAsync(string actor, string jobId, CancellationToken cancellation) =>
        MutateAsync(changes =>
        {
            var job = _jobs.GetValueOrDefault(jobId) ?? throw ApiProblemException.NotFound($"no job {jobId}");
            var cancelled = JobMachine.Cancel(job, actor, Now);
            if (!cancelled.Ok)
                throw ApiProblemException.From(cancelled.Refusal!);
            PutJob(changes, cancelled.Value!);
            if (CurrentRound(jobId) is { Status: not RoundStatus.Done } round)
                PutRound(changes, round with { Status = RoundStatus.Done, DoneAt = Now, PhaseDeadline = Now });
            changes.Event(jobId, null, new Happening(EventTypes.JobDone, null, $"job {jobId} cancelled by the creator"));
            return cancelled.Value!;
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
