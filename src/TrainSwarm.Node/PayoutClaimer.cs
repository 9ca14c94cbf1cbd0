using System.Globalization;
using TrainSwarm.Client;
using TrainSwarm.Daemons;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// A settled round's payout: says what the node earned (or why nothing), and with <see cref="NodeOptions.AutoClaim"/>
/// claims it into the wallet, retrying through outages for up to <see cref="NodeOptions.PayoutWait"/>.
/// </summary>
internal sealed class PayoutClaimer(NodeOptions options, INodeObserver observer, TimeProvider clock)
{
    /// <summary>Reports the node's line of a settled round, and claims its payout when asked to.</summary>
    public async Task PayAsync(SwarmClient client, RoundRewards rewards, CancellationToken cancellation)
    {
        var roundId = rewards.RoundId;
        var line = rewards.Lines.FirstOrDefault(l => l.Node == client.Address);
        if (line is null)
        {
            observer.NothingEarned(roundId, "the validator's result does not include this node's update", null);
            return;
        }
        if (line.Payout <= 0)
        {
            observer.NothingEarned(roundId, WhyNothing(rewards, line), line);
            return;
        }
        if (!options.AutoClaim)
        {
            observer.PayoutClaimable(rewards, line);
            return;
        }
        try
        {
            var claim = await NodeRetry.RunAsync(c => client.ClaimAsync(roundId, c), "claim the payout", roundId,
                clock.GetUtcNow() + options.PayoutWait, observer, clock, cancellation).ConfigureAwait(false);
            if (claim is null)
                observer.NothingEarned(roundId, "the coordinator lists no payout to claim", line);
            else
                observer.PayoutClaimed(rewards, line, claim);
        }
        catch (Exception e) when (e is SwarmApiException || NetworkRetry.IsTransient(e, cancellation))
        {
            observer.Error(roundId, $"claiming {Asset.Format(line.Payout)} tokens failed: {e.Message}; the payout stays claimable");
        }
    }

    /// <summary>Why a judged update earned nothing.</summary>
    internal static string WhyNothing(RoundRewards rewards, RewardLine line) =>
        !line.Accepted ? $"rejected: {(string.IsNullOrWhiteSpace(line.Reason) ? "no reason given" : line.Reason)}"
        : line.QualityBps == 0 && line.UpdatedReturn is { } updated ? $"accepted with quality weight 0 (mean return {F(line.BaseReturn ?? 0)} → {F(updated)})"
        : line.QualityBps == 0 ? $"accepted with quality weight 0 (holdout loss {F(line.BaseLoss)} → {F(line.UpdatedLoss)})"
        : rewards.BudgetScaleBps == 0 ? "the job's budget was spent"
        : "the payout rounds down to 0";

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
