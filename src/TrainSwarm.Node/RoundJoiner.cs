using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Daemons;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Tracing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// Finding work at each poll: the rounds the node already holds first (a restarted node continues its work), then
/// open rounds of the datasets it serves or maps while it has room, and their expected reward and the stake suit it.
/// Each round it takes is trained by <see cref="RoundWork"/>, or held for `swarm round train` when auto-train is off.
/// </summary>
internal sealed class RoundJoiner(
    NodeOptions options, DatasetCache datasets, StakeLimit stake, RoundWork work, PayoutWatcher payouts, INodeObserver observer)
{
    // Touched only by the polling loop: round attempts already announced, and those this node will not join.
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _passedOver = new(StringComparer.Ordinal);
    // Round attempts already reported as paying outside [MinReward, MaxReward]; they are checked again at every poll.
    private readonly HashSet<string> _rewardReported = new(StringComparer.Ordinal);
    // With auto-train off: rounds held and left for `swarm round train`, by round and attempt. They count against
    // MaxParallel, so a node that only joins does not hoard every open round.
    private readonly Dictionary<string, Assignment> _manual = new(StringComparer.Ordinal);

    /// <summary>Held rounds come first and regardless of MaxParallel: the node already promised them.</summary>
    public async Task ResumeAssignmentsAsync(SwarmClient client, ActorKey key, CancellationToken cancellation)
    {
        var assignments = await client.AssignmentsAsync(client.Address, cancellation).ConfigureAwait(false);
        var held = assignments.Select(a => RoundAttempt.Key(a.RoundId, a.Attempt)).ToHashSet(StringComparer.Ordinal);
        // A round held by hand that left the listing was delivered (or closed): follow its payout like a trained one.
        foreach (var (id, gone) in _manual.Where(m => !held.Contains(m.Key)).ToList())
        {
            _manual.Remove(id);
            work.Finish(id);
            payouts.Watch(client, gone, cancellation);
        }
        foreach (var assignment in assignments)
        {
            var id = RoundAttempt.Key(assignment.RoundId, assignment.Attempt);
            if (work.Knows(id) || _manual.ContainsKey(id))
                continue;
            if (options.AutoTrain)
                work.Start(client, key, assignment, resumed: true, cancellation);
            else
                Hold(assignment, resumed: true);
        }
    }

    /// <summary>Joins the open rounds worth joining, as far as the node has room.</summary>
    public async Task JoinOpenRoundsAsync(SwarmClient client, ActorKey key, CancellationToken cancellation)
    {
        var rounds = await client.RoundsAsync(RoundStatus.Open, cancellation: cancellation).ConfigureAwait(false);
        var open = rounds.Select(r => RoundAttempt.Key(r.Id, r.Attempt)).ToHashSet(StringComparer.Ordinal);
        // Forget rounds that closed, so these sets stay as small as the list of open rounds.
        _seen.IntersectWith(open);
        _passedOver.IntersectWith(open);
        _rewardReported.IntersectWith(open);
        var stakeAcceptable = await stake.AcceptableAsync(client, cancellation).ConfigureAwait(false);

        foreach (var round in rounds.OrderBy(r => r.OpenedAt))
        {
            var id = RoundAttempt.Key(round.Id, round.Attempt);
            if (_seen.Add(id))
                observer.RoundSeen(round);
            if (!stakeAcceptable)
                continue; // said once, by StakeLimit
            if (work.Knows(id) || _manual.ContainsKey(id) || _passedOver.Contains(id))
                continue;
            // Joined before (this process or an earlier one): the assignment listing resumes it.
            if (round.Participants.Any(p => p.Node == client.Address))
                continue;
            // An rl round names its environment where an image round names its dataset; every node can step it. An lm round
            // names its corpus, which this node serves when it can read it; a grpo round its arithmetic task, generated here.
            var choice = RlJobSpecRules.Environments.Contains(round.Dataset) || GrpoJobSpecRules.IsTaskName(round.Dataset)
                ? new DatasetChoice(round.Dataset, round.Dataset, null)
                : LmJobSpecRules.Corpora.Contains(round.Dataset)
                    ? CorpusChoice(round.Dataset)
                    : DatasetResolution.Resolve(round.Dataset, options, datasets);
            if (!choice.Trainable)
            {
                PassOver(id, round.Id, choice.Reason!);
                continue;
            }
            // Re-checked at every poll (the expected reward follows the job's remaining budget), reported once.
            var reward = RewardFilter.Check(round, options.MinReward, options.MaxReward);
            if (!reward.Joinable)
            {
                if (_rewardReported.Add(id))
                    observer.RewardOutOfRange(round, reward);
                continue;
            }
            if (round.Participants.Count >= round.MaxNodes || work.Running + _manual.Count >= options.MaxParallel)
                continue; // full, or no room here: look again at the next poll

            Assignment assignment;
            try
            {
                using var span = RoundTrace.Start(NodeTelemetry.Source, "node join", round.Id, round.JobId, round.Attempt);
                assignment = await client.JoinAsync(round.Id, cancellation).ConfigureAwait(false);
            }
            catch (SwarmApiException e) when (e.Status == HttpStatusCode.PaymentRequired)
            {
                // The wallet cannot cover the round's stake: said once, and this attempt is not tried again.
                _passedOver.Add(id);
                observer.StakeRefused(round.Id, string.IsNullOrWhiteSpace(e.Detail) ? e.Message : e.Detail);
                continue;
            }
            catch (SwarmApiException e) when (e.Status is HttpStatusCode.Conflict or HttpStatusCode.Forbidden)
            {
                // Full, closed or not allowed: an ordinary outcome, not an error.
                PassOver(id, round.Id, $"join refused: {e.Message}");
                continue;
            }
            catch (SwarmApiException e) when ((int)e.Status is >= 400 and < 500)
            {
                PassOver(id, round.Id, $"join failed: {e.Message}");
                continue;
            }
            if (options.AutoTrain)
                work.Start(client, key, assignment, resumed: false, cancellation);
            else
                Hold(assignment, resumed: false);
        }
    }

    private void PassOver(string id, string roundId, string reason)
    {
        _passedOver.Add(id);
        observer.Skipped(roundId, reason);
    }

    // Auto-train off: the round is the node's (its stake is locked), and a person trains it with `swarm round train`.
    private void Hold(Assignment assignment, bool resumed)
    {
        _manual[RoundAttempt.Key(assignment.RoundId, assignment.Attempt)] = assignment;
        observer.Joined(assignment, resumed);
        observer.AwaitingManualTraining(assignment);
    }

    // A corpus is served when this node can read it; otherwise the round is passed over with the reason (e.g. an install hint).
    private static DatasetChoice CorpusChoice(string corpus) =>
        LmRoundSpecs.Unavailable(corpus) is { } reason ? new DatasetChoice(corpus, null, reason) : new DatasetChoice(corpus, corpus, null);
}
