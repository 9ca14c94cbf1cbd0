using TrainSwarm.Coordination.Records;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Rounds;

/// <summary>The job around its rounds: what follows a finished (or retried) round, and how a job ends.</summary>
public static class JobMachine
{
    /// <summary>A new running job whose round 0 starts from <paramref name="initialModel"/>.</summary>
    public static (JobRecord Job, RoundRecord Round) Submit(
        string id, string creator, JobSpec spec, string initialModel, DateTimeOffset now, JobBilling? billing = null)
    {
        var job = new JobRecord(id, creator, spec, JobStatus.Running, null, 0, 0, initialModel, initialModel, null, now, null, null, billing);
        return (job, RoundMachine.Open(job, 0, 1, initialModel, now));
    }

    /// <summary>
    /// What follows a closed round: the next round, a retry, or the end of the job (target reached, rounds done,
    /// too many failed attempts, budget spent). Returns the new job and the round to open, if any.
    /// </summary>
    /// <param name="budgetSpent">What is left of the budget cannot pay another update (only a partial budget gets here).</param>
    public static (JobRecord Job, RoundRecord? Next, Happening? Ended) AfterRound(
        JobRecord job, RoundRecord closed, RoundResult? result, bool retry, DateTimeOffset now, bool budgetSpent = false)
    {
        if (retry)
        {
            if (closed.Attempt >= RoundMachine.MaxAttempts)
                return End(job, JobStatus.Failed, $"round {closed.Index} failed {closed.Attempt} times", now);
            return (job, RoundMachine.Open(job, closed.Index, closed.Attempt + 1, closed.BaseModel, now), null);
        }
        var metrics = result!.Metrics;
        job = job with { RoundsDone = job.RoundsDone + 1, ModelBlob = result.NewModel, StrategyStateBlob = result.StrategyStateBlob, LastMetrics = metrics };
        if (job.Spec.IsRl && metrics.MeanReturn is { } meanReturn && meanReturn >= job.Spec.RlSettings.TargetReturn)
            return End(job, JobStatus.Completed, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"target mean return {job.Spec.RlSettings.TargetReturn:0.#} reached ({meanReturn:0.0} over {metrics.EvalEpisodes} episodes) " +
                $"after {job.RoundsDone} rounds"), now);
        if (job.Spec.IsLm && job.Spec.LmSettings.TargetLoss is { } targetLoss && metrics.HoldoutLoss <= targetLoss)
            return End(job, JobStatus.Completed, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"target held-out loss {targetLoss:0.###} reached ({metrics.HoldoutLoss:0.####} nats per token) after {job.RoundsDone} rounds"), now);
        if (job.Spec.IsGrpo && job.Spec.GrpoSettings.TargetAccuracy is { } targetExact && metrics.HoldoutAccuracy >= targetExact)
            return End(job, JobStatus.Completed,
                $"target held-out exact match {targetExact:P2} reached ({metrics.HoldoutAccuracy:P2}) after {job.RoundsDone} rounds", now);
        if (job.Spec.TargetAccuracy is { } target && metrics.HoldoutAccuracy >= target)
            return End(job, JobStatus.Completed,
                $"target holdout accuracy {target:P2} reached ({metrics.HoldoutAccuracy:P2}) after {job.RoundsDone} rounds", now);
        if (job.RoundsDone >= job.Spec.Rounds)
            return End(job, JobStatus.Completed, $"all {job.Spec.Rounds} rounds done", now);
        if (budgetSpent)
            return End(job, JobStatus.Completed, $"budget spent after {job.RoundsDone} rounds", now);
        job = job with { CurrentRound = closed.Index + 1 };
        return (job, RoundMachine.Open(job, closed.Index + 1, 1, result.NewModel, now), null);
    }

    /// <summary>The creator stops a running job; the model so far stays downloadable.</summary>
    public static Result<JobRecord> Cancel(JobRecord job, string actor, DateTimeOffset now)
    {
        if (actor != job.Creator)
            return Refusal.Forbidden($"only the job's creator {job.Creator} may cancel it");
        if (job.Status != JobStatus.Running)
            return Refusal.Conflict($"job {job.Id} already ended ({job.Status.ToString().ToLowerInvariant()})");
        return End(job, JobStatus.Cancelled, "cancelled by the creator", now).Job;
    }

    /// <summary>A running job whose deadline has passed ends as expired; null when it has none or it has not passed.</summary>
    public static (JobRecord Job, Happening Ended)? Expire(JobRecord job, DateTimeOffset now)
    {
        if (job.Status != JobStatus.Running || job.Billing is not { } billing || now < billing.Deadline)
            return null;
        var (ended, _, what) = End(job, JobStatus.Expired, $"deadline {billing.Deadline:u} passed", now);
        return (ended, what!);
    }

    private static (JobRecord Job, RoundRecord? Next, Happening? Ended) End(JobRecord job, JobStatus status, string reason, DateTimeOffset now) =>
        (job with { Status = status, StatusReason = reason, FinishedAt = now }, null,
            new Happening(EventTypes.JobDone, null, $"job {job.Id} {status.ToString().ToLowerInvariant()}: {reason}"));
}
