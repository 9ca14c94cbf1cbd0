using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>
/// Route id checks: a malformed id is a 400 before anything looks it up. The formats are Protocol's
/// (<see cref="JobIds"/>, <see cref="Address"/>, <see cref="BlobId"/>), the same ones the CLI checks its arguments with.
/// </summary>
internal static class Ids
{
    public static string Address(string value) =>
        Protocol.Identity.Address.IsWellFormed(value)
            ? value : throw Refuse.Invalid($"'{value}' is not an address (ts1 + 40 hex characters)");

    public static string Job(string value) =>
        JobIds.IsValid(value) ? value : throw Refuse.Invalid($"'{value}' is not a job id ({JobIds.JobFormat})");

    public static string Quote(string value) =>
        JobIds.IsValidQuote(value) ? value : throw Refuse.Invalid($"'{value}' is not a quote id");

    public static string Round(string value) =>
        JobIds.IsValidRound(value) ? value : throw Refuse.Invalid($"'{value}' is not a round id");

    public static string Dataset(string value) =>
        DatasetIds.IsValid(value) ? value : throw Refuse.Invalid($"'{value}' is not a dataset id ({DatasetIds.Format})");

    public static string Blob(string value) =>
        BlobId.IsValid(value) ? value : throw Refuse.Invalid($"'{value}' is not a blob id (64 lowercase hex characters)");
}
