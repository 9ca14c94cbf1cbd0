using System.Security.Cryptography;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Rounds;

/// <summary>Where a round attempt's votes stand: still open, accepted by a quorum, or beyond any quorum.</summary>
public enum QuorumState
{
    /// <summary>No result has a quorum yet, and one still can.</summary>
    Pending,

    /// <summary>At least a quorum posted the same result.</summary>
    Agreed,

    /// <summary>Even if every missing validator joined the largest group, it would stay short of the quorum.</summary>
    NoQuorum,
}

/// <summary>A quorum decision: the state, the agreed key, who agreed (in the order they posted) and who dissented.</summary>
public sealed record QuorumDecision(QuorumState State, string? Agreed, IReadOnlyList<string> Agreeing, IReadOnlyList<string> Dissenting);

/// <summary>
/// Agreement among a round's validators (pure). The engine is bitwise deterministic, so honest validators of one round
/// produce the very same result (new model hash, strategy state, every verdict and metric); results are compared by a
/// hash of everything but the signer.
/// </summary>
public static class Quorum
{
    /// <summary>SHA-256 (lowercase hex) of the result's canonical JSON with the validator's address blanked.</summary>
    public static string AgreementKey(RoundResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Convert.ToHexStringLower(SHA256.HashData(SwarmJson.SerializeToUtf8(result with { Validator = "" })));
    }

    /// <summary>
    /// Decides <paramref name="votes"/> (in posting order) of <paramref name="validators"/> seats with a quorum of
    /// <paramref name="quorum"/>. The quorum is at least a majority, so at most one result can reach it.
    /// </summary>
    public static QuorumDecision Decide(IReadOnlyList<VoteRecord> votes, int validators, int quorum)
    {
        ArgumentNullException.ThrowIfNull(votes);
        if (quorum < JobSpec.Majority(validators) || quorum > validators)
            throw new ArgumentOutOfRangeException(nameof(quorum), quorum, $"a quorum of {validators} validators is between a majority and all of them");
        var groups = votes.GroupBy(v => v.Agreement, StringComparer.Ordinal).Select(g => (Key: g.Key, Count: g.Count())).ToList();
        if (groups.FirstOrDefault(g => g.Count >= quorum) is { Key: not null } agreed)
            return new QuorumDecision(QuorumState.Agreed, agreed.Key,
                votes.Where(v => v.Agreement == agreed.Key).Select(v => v.Validator).ToList(),
                votes.Where(v => v.Agreement != agreed.Key).Select(v => v.Validator).ToList());
        var largest = groups.Count == 0 ? 0 : groups.Max(g => g.Count);
        var missing = Math.Max(0, validators - votes.Count);
        return new QuorumDecision(largest + missing < quorum ? QuorumState.NoQuorum : QuorumState.Pending, null, [], []);
    }
}
