using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.State;

/// <summary>Actors and nodes: registration, keys, liveness and track records.</summary>
public sealed partial class SwarmService
{
    private static readonly string[] Roles = ["creator", "node", "validator"];

    /// <summary>The registered public key of <paramref name="address"/>, or null.</summary>
    public byte[]? PublicKeyOf(string address)
    {
        var actor = Volatile.Read(ref _actorsSnapshot)?.GetValueOrDefault(address);
        return actor is null ? null : Convert.FromBase64String(actor.PublicKey);
    }

    // Signature checks run outside the gate, so they read an immutable copy that is swapped after each change.
    private Dictionary<string, ActorRecord>? _actorsSnapshot;

    private void RefreshActorsSnapshot() => Volatile.Write(ref _actorsSnapshot, new Dictionary<string, ActorRecord>(_actors, StringComparer.Ordinal));

    /// <summary>Registers (or confirms) an actor. The signer must own the key; the role must be known.</summary>
    public Task<ActorView> RegisterActorAsync(string signer, ActorRegistration registration, CancellationToken cancellation)
    {
        var key = DecodeKey(registration.PublicKey, signer);
        if (!Roles.Contains(registration.Role))
            throw ApiProblemException.BadRequest($"role must be one of {string.Join(", ", Roles)}");
        return MutateWithLedgerAsync(async changes =>
        {
            // Accounts first: an actor the coordinator acknowledged can always be paid and can always pay.
            await OpenAccountsAsync(AccountsFor(signer, registration.Role), cancellation);
            if (_actors.TryGetValue(signer, out var existing) && existing.Role == registration.Role)
                return View(existing);
            var record = new ActorRecord(signer, registration.Role, key, existing?.RegisteredAt ?? Now);
            changes.Put(Kinds.Actor, signer, record, () => { _actors[signer] = record; RefreshActorsSnapshot(); });
            return View(record);
        }, cancellation);
    }

    /// <summary>Registers or updates a node, and its key as an actor with role "node".</summary>
    public Task<NodeView> RegisterNodeAsync(string signer, NodeRegistration registration, CancellationToken cancellation)
    {
        var key = DecodeKey(registration.PublicKey, signer);
        if (string.IsNullOrWhiteSpace(registration.Name) || registration.Name.Length > 100)
            throw ApiProblemException.BadRequest("name must have 1 to 100 characters");
        if (registration.Datasets is null || registration.Datasets.Count is 0 or > 100)
            throw ApiProblemException.BadRequest("datasets must list 1 to 100 dataset names");
        if (registration.Benchmark is null || !double.IsFinite(registration.Benchmark.SamplesPerSecond) || registration.Benchmark.SamplesPerSecond <= 0)
            throw ApiProblemException.BadRequest("benchmark.samplesPerSecond must be a positive number");
        if (registration.Hardware is null || registration.Hardware.Cores <= 0)
            throw ApiProblemException.BadRequest("hardware.cores must be positive");
        return MutateWithLedgerAsync(async changes =>
        {
            await OpenAccountsAsync(NodeAccounts(signer), cancellation);
            var now = Now;
            var record = new NodeRecord(signer, registration, _nodes.GetValueOrDefault(signer)?.RegisteredAt ?? now, now);
            var actor = new ActorRecord(signer, "node", key, _actors.GetValueOrDefault(signer)?.RegisteredAt ?? now);
            changes.Put(Kinds.Actor, signer, actor, () => { _actors[signer] = actor; RefreshActorsSnapshot(); });
            changes.Put(Kinds.Node, signer, record, () => { _nodes[signer] = record; _lastSeen[signer] = now; });
            return NodeViewOf(record);
        }, cancellation);
    }

    /// <summary>Notes that a node is alive (memory only: liveness need not survive a restart).</summary>
    public async Task HeartbeatAsync(string signer, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            if (!_nodes.ContainsKey(signer))
                throw ApiProblemException.NotFound($"{signer} is not a registered node; register first");
            _lastSeen[signer] = Now;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>All nodes with their track records.</summary>
    public async Task<IReadOnlyList<NodeView>> NodesAsync(CancellationToken cancellation) =>
        await ReadAsync(() => _nodes.Values.OrderBy(n => n.RegisteredAt).Select(NodeViewOf).ToList(), cancellation);

    /// <summary>One node, or null.</summary>
    public async Task<NodeView?> NodeAsync(string address, CancellationToken cancellation) =>
        await ReadAsync(() => _nodes.TryGetValue(address, out var n) ? NodeViewOf(n) : null, cancellation);

    private NodeView NodeViewOf(NodeRecord node)
    {
        var seen = _lastSeen.GetValueOrDefault(node.Address, node.LastSeenAt);
        var participations = _rounds.Values.SelectMany(r => r.Participants).Where(p => p.Node == node.Address).ToList();
        var verdicts = _results.Values.SelectMany(r => r.Result.Verdicts).Where(v => v.Node == node.Address).ToList();
        var r = node.Registration;
        return new NodeView(node.Address, r.PublicKey, r.Name, r.Hardware, r.Benchmark, r.Datasets, node.RegisteredAt, seen,
            Now - seen <= Options.OnlineWindow, participations.Count,
            participations.Count(p => p.Status == Protocol.Wire.ParticipantStatus.Submitted),
            verdicts.Count(v => v.Accepted), verdicts.Count(v => !v.Accepted),
            participations.Count(p => p.Status == Protocol.Wire.ParticipantStatus.Dropped), EarnedBy(node.Address), StakedBy(node.Address));
    }

    private static ActorView View(ActorRecord a) => new(a.Address, a.Role, a.RegisteredAt);

    /// <summary>Checks that a base64 SubjectPublicKeyInfo is well formed and belongs to the signer's address.</summary>
    private static string DecodeKey(string? publicKey, string signer)
    {
        byte[] der;
        try
        {
            der = Convert.FromBase64String(publicKey ?? "");
        }
        catch (FormatException)
        {
            throw ApiProblemException.BadRequest("publicKey must be base64 SubjectPublicKeyInfo DER");
        }
        if (Address.FromPublicKey(der) != signer)
            throw ApiProblemException.Forbidden("publicKey does not belong to the signer");
        return publicKey!;
    }

    /// <summary>Reads under the gate, so a reader never sees half of a change.</summary>
    private async Task<T> ReadAsync<T>(Func<T> read, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            return read();
        }
        finally
        {
            _gate.Release();
        }
    }
}
