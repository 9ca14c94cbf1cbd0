using TrainSwarm.Client;

namespace TrainSwarm.Node;

/// <summary>The node's stake limit: no joins while the coordinator asks more per round than <see cref="NodeOptions.MaxStake"/>.</summary>
internal sealed class StakeLimit(NodeOptions options, INodeObserver observer, TimeProvider clock)
{
    // The stake rarely changes (it is a coordinator setting): asked again at most this often.
    private static readonly TimeSpan StakeCheckInterval = TimeSpan.FromSeconds(30);

    // Touched only by the polling loop.
    private DateTimeOffset _stakeCheckedAt = DateTimeOffset.MinValue;
    private long _stakePerRound;
    private long? _stakeReported;

    /// <summary>
    /// True when the coordinator's stake per round (from its info) is within the node's maximum, or there is none.
    /// Otherwise says why once per stake amount, and the node joins nothing; rounds it holds already still train.
    /// </summary>
    public async Task<bool> AcceptableAsync(SwarmClient client, CancellationToken cancellation)
    {
        if (options.MaxStake is not { } max)
            return true;
        var now = clock.GetUtcNow();
        if (now - _stakeCheckedAt >= StakeCheckInterval)
        {
            _stakePerRound = (await client.InfoAsync(cancellation).ConfigureAwait(false)).StakePerRound;
            _stakeCheckedAt = now;
        }
        if (_stakePerRound <= max)
        {
            _stakeReported = null;
            return true;
        }
        if (_stakeReported != _stakePerRound)
        {
            _stakeReported = _stakePerRound;
            observer.StakeAboveMaximum(_stakePerRound, max);
        }
        return false;
    }
}
