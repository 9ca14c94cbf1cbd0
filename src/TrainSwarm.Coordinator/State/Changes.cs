using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.State;

/// <summary>
/// One state change being prepared: the documents to write, what to apply to memory once they are written, and the
/// events to publish. Nothing touches memory or subscribers until the database transaction has committed.
/// </summary>
internal sealed class Changes
{
    public List<StoredDocument> Documents { get; } = [];
    public List<Action> Apply { get; } = [];
    public List<(string? JobId, string? RoundId, Happening What)> Events { get; } = [];

    /// <summary>The round attempts written, so the commit can tell telemetry which opened and which closed.</summary>
    public List<RoundRecord> Rounds { get; } = [];

    public void Put<T>(string kind, string id, T value, Action apply)
    {
        Documents.Add(new StoredDocument(kind, id, SwarmJson.Serialize(value)));
        Apply.Add(apply);
    }

    public void Event(string? jobId, string? roundId, Happening what) => Events.Add((jobId, roundId, what));

    public bool IsEmpty => Documents.Count == 0 && Events.Count == 0;
}
