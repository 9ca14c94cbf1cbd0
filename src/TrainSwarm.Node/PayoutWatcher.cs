using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Daemons;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// Getting paid: after the node delivered an update, a background task per round waits for the round to be done and
/// its rewards settled in the ledger, reports what the node earned, and (with <see cref="NodeOptions.AutoClaim"/>)
/// claims the payout into the wallet. It runs beside training, so the node trains the next round meanwhile.
/// </summary>
internal sealed class PayoutWatcher(NodeOptions options, INodeObserver observer, TimeProvider clock)
{
    // Never poll the coordinator for a payout more often than this, however short the poll interval.
    private static readonly TimeSpan MinPayoutPoll = TimeSpan.FromSeconds(1);

    // While a round is overdue or paid nothing yet, the job's state is asked at most this often.
    private static readonly TimeSpan JobCheckInterval = TimeSpan.FromSeconds(10);

    private readonly PayoutClaimer _claims = new(options, observer, clock);

    // Payouts being waited for, by round and attempt; like training tasks, awaited when the daemon stops.
    private readonly ConcurrentDictionary<string, Task> _payouts = new(StringComparer.Ordinal);

    /// <summary>The number of delivered rounds whose payout the node is still waiting for.</summary>
    public int Pending => _payouts.Count;

    /// <summary>Completes when every payout wait has ended (they watch the token given to <see cref="Watch"/>).</summary>
    public Task WhenAllAsync() => Task.WhenAll(_payouts.Values);

    /// <summary>
    /// Starts waiting for the payout of <paramref name="assignment"/>'s round, once per round attempt, until it is known
    /// or <paramref name="stopping"/> fires.
    /// </summary>
    public void Watch(SwarmClient client, Assignment assignment, CancellationToken stopping)
    {
        var id = RoundAttempt.Key(assignment.RoundId, assignment.Attempt);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_payouts.TryAdd(id, done.Task))
            return;
        _ = Task.Run(async () =>
        {
            try
            {
                await PayoutAsync(client, assignment, stopping).ConfigureAwait(false);
            }
            finally
            {
                _payouts.TryRemove(id, out _);
                done.SetResult();
            }
        });
    }

    /// <summary>What one payout wait has learned so far.</summary>
    private sealed class PayoutWatch(Assignment assignment)
    {
        public Assignment Assignment { get; } = assignment;
        public DateTimeOffset? DoneSince { get; set; }
        public DateTimeOffset NextJobCheck { get; set; } = DateTimeOffset.MinValue;
        public DateTimeOffset? FailingSince { get; set; }
        public bool Scored { get; set; }
    }

    private async Task PayoutAsync(SwarmClient client, Assignment assignment, CancellationToken cancellation)
    {
        var roundId = assignment.RoundId;
        var watch = new PayoutWatch(assignment);
        var interval = options.PollInterval > MinPayoutPoll ? options.PollInterval : MinPayoutPoll;
        try
        {
            while (true)
            {
                try
                {
                    if (await PayoutStepAsync(client, watch, cancellation).ConfigureAwait(false))
                        return;
                    watch.FailingSince = null;
                }
                catch (Exception e) when (NetworkRetry.IsTransient(e, cancellation))
                {
                    // The coordinator may be restarting: keep asking, but not forever.
                    var now = clock.GetUtcNow();
                    watch.FailingSince ??= now;
                    if (now - watch.FailingSince > options.PayoutWait)
                    {
                        observer.Error(roundId, $"gave up waiting for the round's payout: {e.Message}");
                        return;
                    }
                }
                await Task.Delay(interval, clock, cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Stopping: the payout (if any) stays in the claimable balance.
        }
        catch (SwarmApiException e)
        {
            // The coordinator's final word about this round (e.g. it no longer knows it): nothing to wait for.
            observer.Error(roundId, $"cannot follow the round's payout: {e.Message}");
        }
        catch (Exception e)
        {
            // A payout check must not take the daemon down.
            observer.Error(roundId, $"following the round's payout failed: {e.Message}");
        }
    }

    /// <summary>One look at the round and its rewards; true once the payout is known (paid, nothing, or given up).</summary>
    private async Task<bool> PayoutStepAsync(SwarmClient client, PayoutWatch watch, CancellationToken cancellation)
    {
        var assignment = watch.Assignment;
        var roundId = assignment.RoundId;
        var now = clock.GetUtcNow();
        var round = await client.RoundAsync(roundId, cancellation).ConfigureAwait(false);
        if (round.Attempt != assignment.Attempt)
        {
            observer.NothingEarned(
                roundId, $"attempt {assignment.Attempt} closed without a validated result (the round is at attempt {round.Attempt} now)", null);
            return true;
        }

        if (round.Status != RoundStatus.Done)
        {
            // Validation takes its time; only a round past its phase deadline raises the question whether the job still runs.
            if (now <= round.PhaseDeadline || now < watch.NextJobCheck)
                return false;
            watch.NextJobCheck = now + JobCheckInterval;
            var job = await client.JobAsync(round.JobId, cancellation).ConfigureAwait(false);
            if (job.Status != JobStatus.Running)
            {
                observer.NothingEarned(roundId, $"job {job.Id} ended ({Ended(job)}) before the round was validated", null);
                return true;
            }
            if (now > round.PhaseDeadline + options.PayoutWait)
            {
                observer.Error(roundId, $"gave up waiting for the round's payout: it is still {round.Status.ToString().ToLowerInvariant()}, " +
                                         $"{Minutes(now - round.PhaseDeadline)} past its deadline");
                return true;
            }
            return false;
        }

        watch.DoneSince ??= now;
        if (!watch.Scored)
        {
            await ReportScoreAsync(client, assignment, cancellation).ConfigureAwait(false);
            watch.Scored = true;
        }
        RoundRewards? rewards;
        try
        {
            rewards = await client.RoundRewardsAsync(roundId, cancellation).ConfigureAwait(false);
        }
        catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            rewards = null; // not paid (yet)
        }

        if (rewards is not null && rewards.Attempt != assignment.Attempt)
        {
            observer.NothingEarned(roundId, $"the round was paid for attempt {rewards.Attempt}, not attempt {assignment.Attempt}", null);
            return true;
        }
        if (rewards is { Settled: true })
        {
            await _claims.PayAsync(client, rewards, cancellation).ConfigureAwait(false);
            return true;
        }
        if (rewards is null && now >= watch.NextJobCheck)
        {
            // A done round is paid when it closes; no rewards then means a job without billing, or one that ended.
            watch.NextJobCheck = now + JobCheckInterval;
            var job = await client.JobAsync(round.JobId, cancellation).ConfigureAwait(false);
            if (job.Billing is null)
            {
                observer.NothingEarned(roundId, $"job {job.Id} has no billing: its rounds pay nothing", null);
                return true;
            }
            if (job.Status != JobStatus.Running)
            {
                observer.NothingEarned(roundId, $"job {job.Id} ended ({Ended(job)}) and the round has no rewards", null);
                return true;
            }
        }
        if (now - watch.DoneSince > options.PayoutWait)
        {
            observer.Error(roundId, rewards is null
                ? $"gave up waiting for the round's rewards: not posted {Minutes(options.PayoutWait)} after the round was done"
                : $"gave up waiting for the round's rewards to settle in the ledger ({Minutes(options.PayoutWait)}); a payout will stay claimable");
            return true;
        }
        return false;
    }

    /// <summary>Reports the validator's verdict on this node's update, from the done round's signed result (once).</summary>
    private async Task ReportScoreAsync(SwarmClient client, Assignment assignment, CancellationToken cancellation)
    {
        RoundResultSubmission result;
        try
        {
            result = await client.RoundResultAsync(assignment.RoundId, cancellation).ConfigureAwait(false);
        }
        catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return; // a done round without a result: nothing was judged
        }
        if (result.Result.Attempt != assignment.Attempt)
            return;
        var verdict = result.Result.Verdicts.FirstOrDefault(v => v.Node == client.Address);
        if (verdict is not null)
            observer.Scored(assignment.RoundId, verdict, assignment.Spec.Kind);
    }

    private static string Ended(JobView job) =>
        job.Status.ToString().ToLowerInvariant() + (string.IsNullOrWhiteSpace(job.StatusReason) ? "" : $": {job.StatusReason}");

    private static string Minutes(TimeSpan span) =>
        span.TotalMinutes >= 1
            ? $"{span.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture)} min"
            : $"{span.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s";
}
