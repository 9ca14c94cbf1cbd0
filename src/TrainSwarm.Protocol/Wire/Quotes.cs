using System.Security.Cryptography;

namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// What a job will cost before any money moves, and how long it should take. Every amount is in micro-tokens
/// (1 token = 1,000,000); a compute unit is 10^9 FLOPs of training (forward + backward).
/// </summary>
/// <param name="Id">The quote's id (<c>q</c> + 12 hex characters).</param>
/// <param name="SpecDigest">Lowercase hex SHA-256 of the spec's SwarmJson bytes (<see cref="DigestOf"/>): proves which spec this quote covers.</param>
/// <param name="TrainingSamples">Samples trained in all: rounds × max nodes × inner steps × batch size.</param>
/// <param name="TrainingFlopsPerSample">Forward + backward FLOPs of one sample.</param>
/// <param name="ComputeUnits">ceil(training samples × FLOPs per sample / 10^9).</param>
/// <param name="PricePerUnit">Micro-tokens per compute unit, from the coordinator's price table.</param>
/// <param name="ComputeCost">Compute units × price per unit, in micro-tokens: what the nodes are paid at most.</param>
/// <param name="ValidationFlops">Forward FLOPs the validators spend scoring: rounds × (max nodes + 2) × holdout samples × forward FLOPs per sample.</param>
/// <param name="ValidatorFee">ceil(compute cost × validator basis points / 10000), in micro-tokens: pays for the validation compute.</param>
/// <param name="ProtocolFee">ceil(compute cost × protocol basis points / 10000), in micro-tokens.</param>
/// <param name="Total">Compute cost + validator fee + protocol fee, in micro-tokens.</param>
/// <param name="PricePerGpuHour">The same price expressed per hour of the reference GPU, in micro-tokens.</param>
/// <param name="ExpectedSecondsLow">The optimistic duration in seconds; null when no node is registered to estimate from.</param>
/// <param name="ExpectedSecondsHigh">The pessimistic duration in seconds; null when no node is registered to estimate from.</param>
/// <param name="NodesConsidered">Registered nodes whose benchmarks the duration was estimated from (0: no estimate).</param>
/// <param name="IssuedAt">When the coordinator issued the quote.</param>
/// <param name="ValidUntil">The quote binds the coordinator until this time.</param>
/// <param name="JobId">The id a job submitted with this quote gets (the creator's escrow names it); one quote, one job.</param>
/// <param name="ValidatorFeeBps">The validator's fee in basis points of the compute paid.</param>
/// <param name="ProtocolFeeBps">The protocol's fee in basis points of the compute paid.</param>
/// <param name="Dataset">The dataset priced: a catalogue name or an uploaded dataset's id (null for rl jobs and quotes stored before it).</param>
public sealed record Quote(
    string Id, string SpecDigest, long TrainingSamples, long TrainingFlopsPerSample, long ComputeUnits, long PricePerUnit,
    long ComputeCost, long ValidationFlops, long ValidatorFee, long ProtocolFee, long Total, long PricePerGpuHour,
    double? ExpectedSecondsLow, double? ExpectedSecondsHigh, int NodesConsidered, DateTimeOffset IssuedAt, DateTimeOffset ValidUntil,
    string JobId, int ValidatorFeeBps, int ProtocolFeeBps, string? Dataset = null)
{
    /// <summary>The job id a quote with id <paramref name="quoteId"/> (<c>q</c> + hex) reserves: the same hex after a <c>j</c>.</summary>
    public static string JobIdFor(string quoteId) => "j" + quoteId[1..];

    /// <summary>Lowercase hex SHA-256 of <paramref name="spec"/> serialized with <see cref="SwarmJson"/>.</summary>
    public static string DigestOf(JobSpec spec) => Convert.ToHexStringLower(SHA256.HashData(SwarmJson.SerializeToUtf8(spec)));
}
