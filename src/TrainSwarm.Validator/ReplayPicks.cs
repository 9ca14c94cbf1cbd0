using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Which committed segments of an update a validator replays. The pick hashes the round's audit secret with the node
/// and its update blob: the coordinator committed to the secret (its SHA-256 is in every assignment) before anyone
/// trained and reveals it only in the validation task, after the uploads are in, so when a node signs its receipt it
/// cannot know which segments will be checked; and the node cannot steer the pick by choosing its blob either, since
/// it does not know the secret it is mixed with. Any validator derives the same picks, so a disputed verdict can be
/// recomputed by anyone once the secret is public.
/// </summary>
public static class ReplayPicks
{
    /// <summary>True when <paramref name="secretHex"/> hashes to <paramref name="commitmentHex"/> (both lowercase hex).</summary>
    public static bool Opens(string? secretHex, string? commitmentHex)
    {
        if (secretHex is null || commitmentHex is null || secretHex.Length != 64)
            return false;
        try
        {
            var digest = Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(secretHex)));
            return string.Equals(digest, commitmentHex, StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// The indices of the segments (0-based, one per commitment) to replay: each is picked on its own with probability
    /// <paramref name="shareBps"/>/10000, from SHA-256(secret ‖ node ‖ blob ‖ index).
    /// </summary>
    public static IReadOnlyList<int> Pick(string secretHex, string node, string updateBlob, int segments, int shareBps)
    {
        ArgumentNullException.ThrowIfNull(secretHex);
        var picks = new List<int>();
        for (var i = 0; i < segments; i++)
        {
            var input = Encoding.UTF8.GetBytes($"{secretHex}\0{node}\0{updateBlob}\0{i}");
            var draw = BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(input)) % 10_000;
            if (draw < (ulong)shareBps)
                picks.Add(i);
        }
        return picks;
    }

    /// <summary>The commitment steps an honest run of <paramref name="steps"/> steps makes with <paramref name="spec"/>'s commitEvery.</summary>
    public static IReadOnlyList<int> Schedule(JobSpec spec, int steps)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var schedule = new List<int>();
        for (var s = spec.CommitInterval; s < steps; s += spec.CommitInterval)
            schedule.Add(s);
        schedule.Add(steps);
        return schedule;
    }
}
