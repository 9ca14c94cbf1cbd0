using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Coordinator.State;

/// <summary>The coordinator's key: it signs ledger entries; its address identifies the network.</summary>
public sealed class CoordinatorIdentity(ActorKey key)
{
    public ActorKey Key { get; } = key;
    public string Address => Key.Address;
}
