using System.Collections.Concurrent;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Services;

/// <summary>
/// Reward receipts of settled rounds, fetched once: a settled receipt never changes, and the leaderboard, node and job
/// pages read many of them.
/// </summary>
public sealed class RewardCache(CoordinatorLink link)
{
    private readonly ConcurrentDictionary<string, RoundRewards> _settled = new(StringComparer.Ordinal);

    /// <summary>The receipt of a done round (null when the coordinator has none, e.g. a round with no updates yet).</summary>
    public async Task<RoundRewards?> GetAsync(string roundId, CancellationToken cancellation = default)
    {
        if (_settled.TryGetValue(roundId, out var cached))
            return cached;
        try
        {
            var rewards = await link.Client.RoundRewardsAsync(roundId, cancellation);
            if (rewards.Settled)
                _settled[roundId] = rewards;
            return rewards;
        }
        catch (TrainSwarm.Client.SwarmApiException e) when ((int)e.Status is 404 or 409)
        {
            return null;
        }
    }

    /// <summary>The receipts of every done round in <paramref name="rounds"/>.</summary>
    public async Task<IReadOnlyList<RoundRewards>> ForRoundsAsync(IEnumerable<RoundView> rounds, CancellationToken cancellation = default)
    {
        var result = new List<RoundRewards>();
        foreach (var round in rounds.Where(r => r.Status == RoundStatus.Done))
            if (await GetAsync(round.Id, cancellation) is { } rewards)
                result.Add(rewards);
        return result;
    }
}
