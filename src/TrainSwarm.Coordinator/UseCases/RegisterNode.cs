using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>A node registers (or updates) itself with its hardware, benchmark and datasets, and says it is alive.</summary>
public sealed class RegisterNode(SwarmState state, StateCommitter committer, LedgerAccounts accounts, NodeQuery nodes)
{
    /// <summary>Registers or updates a node, and its key as an actor with role "node".</summary>
    public Task<NodeView> RegisterAsync(string signer, NodeRegistration registration, CancellationToken cancellation)
    {
        var key = PublicKeys.Decode(registration.PublicKey, signer);
        if (string.IsNullOrWhiteSpace(registration.Name) || registration.Name.Length > 100)
            throw Refuse.Invalid("name must have 1 to 100 characters");
        if (registration.Datasets is null || registration.Datasets.Count is 0 or > 100)
            throw Refuse.Invalid("datasets must list 1 to 100 dataset names");
        if (registration.Benchmark is null || !double.IsFinite(registration.Benchmark.SamplesPerSecond) || registration.Benchmark.SamplesPerSecond <= 0)
            throw Refuse.Invalid("benchmark.samplesPerSecond must be a positive number");
        if (registration.Hardware is null || registration.Hardware.Cores <= 0)
            throw Refuse.Invalid("hardware.cores must be positive");
        return committer.MutateWithLedgerAsync(async changes =>
        {
            await accounts.OpenAsync(LedgerAccounts.Node(signer), cancellation);
            var now = state.Now;
            var record = new NodeRecord(signer, registration, state.Nodes.GetValueOrDefault(signer)?.RegisteredAt ?? now, now);
            state.PutActor(changes, new ActorRecord(signer, "node", key, state.Actors.GetValueOrDefault(signer)?.RegisteredAt ?? now));
            state.PutNode(changes, record);
            return nodes.ViewOf(record);
        }, cancellation);
    }

    /// <summary>Notes that a node is alive (stored, so every replica counts it online).</summary>
    public Task HeartbeatAsync(string signer, CancellationToken cancellation) =>
        committer.MutateAsync(changes =>
        {
            if (!state.Nodes.ContainsKey(signer))
                throw Refuse.NotFound($"{signer} is not a registered node; register first");
            state.MarkSeen(changes, signer);
            return 0;
        }, cancellation);
}
