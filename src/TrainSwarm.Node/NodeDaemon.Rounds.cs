using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>Finding work: held assignments first, then open rounds worth joining.</summary>
public sealed partial class NodeDaemon
{
    // Touched only by the polling loop: round attempts already announced, and those this node will not join.
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _passedOver = new(StringComparer.Ordinal);
    // Round attempts already reported as paying outside [MinReward, MaxReward]; they are checked again at every poll.
    private readonly HashSet<string> _rewardReported = new(StringComparer.Ordinal);
    // With auto-train off: rounds held and left for `swarm round train`, by round and attempt. They count against
    // MaxParallel, so a node that only joins does not hoard every open round.
    private readonly Dictionary<string, Assignment> _manual = new(StringComparer.Ordinal);

    // Held rounds come first and regardless of MaxParallel: the node already promised them.
    private async Task ResumeAssignmentsAsync(SwarmClient client, ActorKey key, CancellationToken cancellation)
    {
        var assignments = await client.AssignmentsAsync(client.Address, cancellation).ConfigureAwait(false);
        var held = assignments.Select(a => RunKey(a.RoundId, a.Attempt)).ToHashSet(StringComparer.Ordinal);
        // A round held by hand that left the listing was delivered (or closed): follow its payout like a trained one.
        foreach (var (id, gone) in _manual.Where(m => !held.Contains(m.Key)).ToList())
        {
            _manual.Remove(id);
            _finished[id] = true;
            WatchPayout(client, gone);
        }
        foreach (var assignment in assignments)
        {
            var id = RunKey(assignment.RoundId, assignment.Attempt);
            if (_running.ContainsKey(id) || _finished.ContainsKey(id) || _manual.ContainsKey(id))
                continue;
            if (_options.AutoTrain)
                Start(client, key, assignment, resumed: true);
            else
                Hold(assignment, resumed: true);
        }
    }

    private async Task JoinOpenRoundsAsync(SwarmClient client, ActorKey key, CancellationToken cancellation)
    {
        var rounds = await client.RoundsAsync(RoundStatus.Open, cancellation: cancellation).ConfigureAwait(false);
        var open = rounds.Select(r => RunKey(r.Id, r.Attempt)).ToHashSet(StringComparer.Ordinal);
        // Forget rounds that closed, so these sets stay as small as the list of open rounds.
        _seen.IntersectWith(open);
        _passedOver.IntersectWith(open);
        _rewardReported.IntersectWith(open);
        var stakeAcceptable = await StakeAcceptableAsync(client, cancellation).ConfigureAwait(false);

        foreach (var round in rounds.OrderBy(r => r.OpenedAt))
        {
            var id = RunKey(round.Id, round.Attempt);
            if (_seen.Add(id))
                _observer.RoundSeen(round);
            if (!stakeAcceptable)
                continue; // said once, by StakeAcceptableAsync
            if (_running.ContainsKey(id) || _finished.ContainsKey(id) || _manual.ContainsKey(id) || _passedOver.Contains(id))
                continue;
            // Joined before (this process or an earlier one): the assignment listing resumes it.
            if (round.Participants.Any(p => p.Node == client.Address))
                continue;
            var choice = DatasetResolution.Resolve(round.Dataset, _options, _datasets);
            if (!choice.Trainable)
            {
                PassOver(id, round.Id, choice.Reason!);
                continue;
            }
            // Re-checked at every poll (the expected reward follows the job's remaining budget), reported once.
            var reward = RewardFilter.Check(round, _options.MinReward, _options.MaxReward);
            if (!reward.Joinable)
            {
                if (_rewardReported.Add(id))
                    _observer.RewardOutOfRange(round, reward);
                continue;
            }
            if (round.Participants.Count >= round.MaxNodes || _running.Count + _manual.Count >= _options.MaxParallel)
                continue; // full, or no room here: look again at the next poll

            Assignment assignment;
            try
            {
                assignment = await client.JoinAsync(round.Id, cancellation).ConfigureAwait(false);
            }
            catch (SwarmApiException e) when (e.Status == HttpStatusCode.PaymentRequired)
            {
                // The wallet cannot cover the round's stake: said once, and this attempt is not tried again.
                _passedOver.Add(id);
                _observer.StakeRefused(round.Id, string.IsNullOrWhiteSpace(e.Detail) ? e.Message : e.Detail);
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
            if (_options.AutoTrain)
                Start(client, key, assignment, resumed: false);
            else
                Hold(assignment, resumed: false);
        }
    }

    private void PassOver(string id, string roundId, string reason)
    {
        _passedOver.Add(id);
        _observer.Skipped(roundId, reason);
    }

    // Auto-train off: the round is the node's (its stake is locked), and a person trains it with `swarm round train`.
    private void Hold(Assignment assignment, bool resumed)
    {
        _manual[RunKey(assignment.RoundId, assignment.Attempt)] = assignment;
        _observer.Joined(assignment, resumed);
        _observer.AwaitingManualTraining(assignment);
    }

    // The entry goes in before the task starts, so a task that ends at once cannot leave a stale entry behind.
    private void Start(SwarmClient client, ActorKey key, Assignment assignment, bool resumed)
    {
        var id = RunKey(assignment.RoundId, assignment.Attempt);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[id] = done.Task;
        _observer.Joined(assignment, resumed);
        _ = Task.Run(async () =>
        {
            try
            {
                await WorkAsync(client, key, assignment, _stopping).ConfigureAwait(false);
            }
            finally
            {
                _finished[id] = true;
                _running.TryRemove(id, out _);
                done.SetResult();
            }
        });
    }
}
