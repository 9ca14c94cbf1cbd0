using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Queries;

/// <summary>Nodes with their track records: rounds joined, updates delivered, accepted and rejected, drops, earnings and stakes.</summary>
public sealed class NodeQuery(SwarmState state, StateCommitter committer, CoordinatorOptions options)
{
    /// <summary>All nodes, oldest registration first.</summary>
    public Task<IReadOnlyList<NodeView>> NodesAsync(CancellationToken cancellation) =>
        committer.ReadAsync<IReadOnlyList<NodeView>>(() => state.Nodes.Values.OrderBy(n => n.RegisteredAt).Select(ViewOf).ToList(), cancellation);

    /// <summary>One node, or null.</summary>
    public Task<NodeView?> NodeAsync(string address, CancellationToken cancellation) =>
        committer.ReadAsync(() => state.Nodes.TryGetValue(address, out var n) ? ViewOf(n) : null, cancellation);

    /// <summary>A node's view (call under the gate).</summary>
    internal NodeView ViewOf(NodeRecord node)
    {
        var seen = state.LastSeen.GetValueOrDefault(node.Address, node.LastSeenAt);
        var participations = state.Rounds.Values.SelectMany(r => r.Participants).Where(p => p.Node == node.Address).ToList();
        var verdicts = state.Results.Values.SelectMany(r => r.Result.Verdicts).Where(v => v.Node == node.Address).ToList();
        var r = node.Registration;
        return new NodeView(node.Address, r.PublicKey, r.Name, r.Hardware, r.Benchmark, r.Datasets, node.RegisteredAt, seen,
            state.Now - seen <= options.OnlineWindow, participations.Count,
            participations.Count(p => p.Status == ParticipantStatus.Submitted),
            verdicts.Count(v => v.Accepted), verdicts.Count(v => !v.Accepted),
            participations.Count(p => p.Status == ParticipantStatus.Dropped), EarnedBy(node.Address), StakedBy(node.Address),
            verdicts.Count(v => v.Fraud == true), options.StakePerRound * verdicts.Count(v => v.Fraud == true));
    }

    /// <summary>Micro-tokens paid to <paramref name="node"/> over all jobs.</summary>
    private long EarnedBy(string node) =>
        state.Escrows.Values.SelectMany(e => e.Rounds).SelectMany(r => r.Lines).Where(l => l.Node == node).Sum(l => l.Payout);

    /// <summary>Micro-tokens <paramref name="node"/> has locked in rounds not yet closed.</summary>
    private long StakedBy(string node) =>
        options.StakePerRound * state.CurrentRounds().Count(r =>
            r.Status != RoundStatus.Done && state.Jobs[r.JobId].Status == JobStatus.Running && r.Participants.Any(p => p.Node == node));
}
