using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Records;

/// <summary>
/// A job as the coordinator stores it and the job machine reasons about it. Its JSON is the stored document, so the
/// property names never change; the API's <see cref="JobView"/> is a projection of it.
/// </summary>
/// <param name="ModelBlob">The current global model (the final one once the job ended).</param>
/// <param name="CurrentRound">Index of the round in progress (or the last one).</param>
/// <param name="StatusReason">Why the job ended (rounds done, target reached, cancelled, …).</param>
/// <param name="Billing">Budget, spending and refund; null only for jobs stored before billing existed.</param>
public sealed record JobRecord(
    string Id, string Creator, JobSpec Spec, JobStatus Status, string? StatusReason,
    int CurrentRound, int RoundsDone, string InitialModelBlob, string ModelBlob, string? StrategyStateBlob,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, RoundMetrics? LastMetrics, JobBilling? Billing = null);
