using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordination.Tests.RoundMachineTests;

namespace TrainSwarm.Coordination.Tests;

public class JobMachineTests
{
    private static readonly DateTimeOffset Later = T0.AddMinutes(30);

    private static RoundResult ResultFor(RoundRecord round, double holdoutAccuracy = 0.6) =>
        new(round.Id, round.Attempt, "v1", round.BaseModel, $"model-after-r{round.Index}", "diloco", "state-r" + round.Index, [],
            Metrics with { HoldoutAccuracy = holdoutAccuracy });

    private static RoundRecord Closed(JobRecord job, int index, int attempt, string baseModel) =>
        RoundMachine.Open(job, index, attempt, baseModel, T0) with { Status = RoundStatus.Done, DoneAt = Later };

    [Fact]
    public void Submit_makes_a_running_job_and_opens_round_0_from_the_initial_model()
    {
        var (job, round) = JobMachine.Submit(JobId, "creator", Spec, "model0", T0);
        Assert.Equal(new JobRecord(JobId, "creator", Spec, JobStatus.Running, null, 0, 0, "model0", "model0", null, T0, null, null), job);
        Assert.Equal(RoundMachine.Open(job, 0, 1, "model0", T0), round);
        Assert.Equal("j0123456789ab-r0", round.Id);
    }

    [Fact]
    public void After_a_good_round_the_next_round_opens_from_the_new_model()
    {
        var job = Job();
        var closed = Closed(job, 0, 1, "model0");
        var (next, round, ended) = JobMachine.AfterRound(job, closed, ResultFor(closed), retry: false, Later);
        Assert.Null(ended);
        Assert.Equal(JobStatus.Running, next.Status);
        Assert.Equal(1, next.RoundsDone);
        Assert.Equal(1, next.CurrentRound);
        Assert.Equal("model-after-r0", next.ModelBlob);
        Assert.Equal("model0", next.InitialModelBlob);
        Assert.Equal("state-r0", next.StrategyStateBlob);
        Assert.Equal(Metrics with { HoldoutAccuracy = 0.6 }, next.LastMetrics);
        Assert.Null(next.FinishedAt);
        Assert.NotNull(round);
        Assert.Equal(RoundMachine.Open(next, 1, 1, "model-after-r0", Later), round);
        Assert.Equal(RoundStatus.Open, round.Status);
        Assert.Equal(Later.AddSeconds(20), round.PhaseDeadline);
    }

    [Fact]
    public void Reaching_the_target_accuracy_completes_the_job()
    {
        var job = Job(Spec with { TargetAccuracy = 0.5 });
        var closed = Closed(job, 0, 1, "model0");
        var (done, round, ended) = JobMachine.AfterRound(job, closed, ResultFor(closed, holdoutAccuracy: 0.5), retry: false, Later);
        Assert.Null(round);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(Later, done.FinishedAt);
        Assert.Equal(1, done.RoundsDone);
        Assert.Equal(0, done.CurrentRound);
        Assert.Equal("model-after-r0", done.ModelBlob);
        Assert.Equal("target holdout accuracy 50.00 % reached (50.00 %) after 1 rounds", done.StatusReason);
        Assert.Equal(new Happening(EventTypes.JobDone, null, $"job {JobId} completed: {done.StatusReason}"), ended);
    }

    [Fact]
    public void Below_the_target_the_job_goes_on()
    {
        var job = Job(Spec with { TargetAccuracy = 0.5 });
        var closed = Closed(job, 0, 1, "model0");
        var (next, round, ended) = JobMachine.AfterRound(job, closed, ResultFor(closed, holdoutAccuracy: 0.49), retry: false, Later);
        Assert.Null(ended);
        Assert.Equal(JobStatus.Running, next.Status);
        Assert.Equal(1, round!.Index);
    }

    [Fact]
    public void After_the_last_round_the_job_completes()
    {
        var job = Job() with { RoundsDone = 2, CurrentRound = 2, ModelBlob = "model-after-r1" };
        var closed = Closed(job, 2, 3, "model-after-r1");
        var (done, round, ended) = JobMachine.AfterRound(job, closed, ResultFor(closed), retry: false, Later);
        Assert.Null(round);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(3, done.RoundsDone);
        Assert.Equal("model-after-r2", done.ModelBlob);
        Assert.Equal("all 3 rounds done", done.StatusReason);
        Assert.Equal(Later, done.FinishedAt);
        Assert.Equal(new Happening(EventTypes.JobDone, null, $"job {JobId} completed: all 3 rounds done"), ended);
    }

    [Fact]
    public void A_retry_reopens_the_same_round_with_the_next_attempt_and_the_same_base()
    {
        var job = Job() with { RoundsDone = 1, CurrentRound = 1, ModelBlob = "model-after-r0" };
        var closed = Closed(job, 1, 2, "model-after-r0");
        var (same, round, ended) = JobMachine.AfterRound(job, closed, null, retry: true, Later);
        Assert.Null(ended);
        Assert.Same(job, same);
        Assert.Equal(RoundMachine.Open(job, 1, 3, "model-after-r0", Later), round);
        Assert.Equal("j0123456789ab-r1", round!.Id);
        Assert.Equal(3, round.Attempt);
        Assert.NotEqual(closed.Seed, round.Seed);
        Assert.Empty(round.Participants);
    }

    [Fact]
    public void The_last_allowed_attempt_failing_fails_the_job()
    {
        var job = Job();
        var closed = Closed(job, 0, RoundMachine.MaxAttempts, "model0");
        var (failed, round, ended) = JobMachine.AfterRound(job, closed, null, retry: true, Later);
        Assert.Null(round);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("round 0 failed 5 times", failed.StatusReason);
        Assert.Equal(Later, failed.FinishedAt);
        Assert.Equal(0, failed.RoundsDone);
        Assert.Equal(new Happening(EventTypes.JobDone, null, $"job {JobId} failed: round 0 failed 5 times"), ended);
    }

    [Fact]
    public void The_attempt_before_the_last_is_still_retried()
    {
        var job = Job();
        var (_, round, ended) = JobMachine.AfterRound(job, Closed(job, 0, RoundMachine.MaxAttempts - 1, "model0"), null, retry: true, Later);
        Assert.Null(ended);
        Assert.Equal(RoundMachine.MaxAttempts, round!.Attempt);
    }

    [Fact]
    public void Only_the_creator_may_cancel()
    {
        var cancelled = JobMachine.Cancel(Job(), "someone", Later);
        Assert.False(cancelled.Ok);
        Assert.Equal(RefusalKind.Forbidden, cancelled.Refusal!.Kind);
        Assert.Equal("only the job's creator creator may cancel it", cancelled.Refusal.Detail);
    }

    [Fact]
    public void The_creator_cancels_a_running_job()
    {
        var job = Job();
        var cancelled = Ok(JobMachine.Cancel(job, "creator", Later));
        Assert.Equal(job with { Status = JobStatus.Cancelled, StatusReason = "cancelled by the creator", FinishedAt = Later }, cancelled);
    }

    [Theory]
    [InlineData(JobStatus.Cancelled, "cancelled")]
    [InlineData(JobStatus.Completed, "completed")]
    [InlineData(JobStatus.Failed, "failed")]
    public void A_job_that_ended_cannot_be_cancelled(JobStatus status, string name)
    {
        var job = Job() with { Status = status, FinishedAt = T0.AddMinutes(1) };
        var refused = JobMachine.Cancel(job, "creator", Later);
        Assert.False(refused.Ok);
        Assert.Equal(RefusalKind.Conflict, refused.Refusal!.Kind);
        Assert.Equal($"job {JobId} already ended ({name})", refused.Refusal.Detail);
    }

    [Fact]
    public void A_spent_budget_completes_the_job_after_its_round()
    {
        var job = Job();
        var closed = Closed(job, 0, 1, "model0");
        var (done, round, ended) = JobMachine.AfterRound(job, closed, ResultFor(closed), retry: false, Later, budgetSpent: true);
        Assert.Null(round);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.StartsWith("budget spent", done.StatusReason);
        Assert.Equal("budget spent after 1 rounds", done.StatusReason);
        Assert.Equal(1, done.RoundsDone);
        Assert.Equal("model-after-r0", done.ModelBlob);
        Assert.Equal(Later, done.FinishedAt);
        Assert.Equal(new Happening(EventTypes.JobDone, null, $"job {JobId} completed: budget spent after 1 rounds"), ended);
    }

    [Fact]
    public void All_rounds_done_wins_over_a_spent_budget()
    {
        var job = Job() with { RoundsDone = 2, CurrentRound = 2, ModelBlob = "model-after-r1" };
        var closed = Closed(job, 2, 1, "model-after-r1");
        var (done, round, _) = JobMachine.AfterRound(job, closed, ResultFor(closed), retry: false, Later, budgetSpent: true);
        Assert.Null(round);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("all 3 rounds done", done.StatusReason);
    }

    [Fact]
    public void Reaching_the_target_wins_over_a_spent_budget()
    {
        var job = Job(Spec with { TargetAccuracy = 0.5 });
        var closed = Closed(job, 0, 1, "model0");
        var (done, _, _) = JobMachine.AfterRound(job, closed, ResultFor(closed, holdoutAccuracy: 0.6), retry: false, Later, budgetSpent: true);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.StartsWith("target holdout accuracy", done.StatusReason);
    }

    private static readonly DateTimeOffset Deadline = T0.AddHours(1);

    private static JobRecord Billed() =>
        JobMachine.Submit(JobId, "creator", Spec, "model0", T0, new JobBilling("q0123456789ab", 660_800, 660_800, Deadline, false, "escrow-1", 0, null)).Job;

    [Fact]
    public void A_job_does_not_expire_before_its_deadline()
    {
        Assert.Null(JobMachine.Expire(Billed(), T0));
        Assert.Null(JobMachine.Expire(Billed(), Deadline.AddTicks(-1)));
    }

    [Fact]
    public void A_job_without_billing_never_expires()
    {
        Assert.Null(JobMachine.Expire(Job(), Deadline.AddYears(1)));
    }

    [Theory]
    [InlineData(JobStatus.Completed)]
    [InlineData(JobStatus.Cancelled)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Expired)]
    public void A_job_that_ended_does_not_expire(JobStatus status)
    {
        Assert.Null(JobMachine.Expire(Billed() with { Status = status, FinishedAt = T0.AddMinutes(5) }, Deadline.AddMinutes(1)));
    }

    [Fact]
    public void A_running_job_expires_at_its_deadline()
    {
        var job = Billed();
        var (expired, ended) = JobMachine.Expire(job, Deadline)!.Value;
        Assert.Equal(job with { Status = JobStatus.Expired, StatusReason = "deadline 2025-03-01 13:00:00Z passed", FinishedAt = Deadline }, expired);
        Assert.Equal(new Happening(EventTypes.JobDone, null, $"job {JobId} expired: deadline 2025-03-01 13:00:00Z passed"), ended);
    }

    [Fact]
    public void A_running_job_expires_after_its_deadline_and_keeps_its_billing()
    {
        var job = Billed();
        var now = Deadline.AddMinutes(7);
        var (expired, _) = JobMachine.Expire(job, now)!.Value;
        Assert.Equal(JobStatus.Expired, expired.Status);
        Assert.Equal(now, expired.FinishedAt);
        Assert.Same(job.Billing, expired.Billing);
    }
}
