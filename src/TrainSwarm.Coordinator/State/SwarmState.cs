using Microsoft.Extensions.Logging;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.State;

/// <summary>
/// The coordinator's live state: actors, nodes, jobs, rounds, updates, results, quotes, escrows and the ledger outbox,
/// as loaded from the <see cref="SwarmStore"/>. It is read and changed only under the <see cref="StateCommitter"/>'s
/// gate, and changed only by the apply steps of a committed <see cref="Changes"/>, so memory never runs ahead of the
/// database.
/// </summary>
public sealed class SwarmState(SwarmStore store, TimeProvider clock, ILogger<SwarmState> log)
{
    // Signature checks run outside the gate, so they read an immutable copy that is swapped after each change.
    private Dictionary<string, ActorRecord>? _actorsSnapshot;

    internal Dictionary<string, ActorRecord> Actors { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, NodeRecord> Nodes { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, JobRecord> Jobs { get; } = new(StringComparer.Ordinal);

    // Every attempt of every round, by (round id, attempt); the current attempt is the highest.
    internal SortedDictionary<string, RoundRecord> Rounds { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, UpdateSubmission> Updates { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, RoundResultSubmission> Results { get; } = new(StringComparer.Ordinal);

    // Every result a validator posted for a round of a job with several validators, by (round id, attempt, validator).
    internal Dictionary<string, RoundResultSubmission> Votes { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, Quote> Quotes { get; } = new(StringComparer.Ordinal);

    // Validators' requests for nodes' training states, by (round id, attempt, node, state).
    internal Dictionary<string, StateRequestRecord> StateRequests { get; } = new(StringComparer.Ordinal);

    // Uploaded datasets by id, deleted ones included (a job that named one still needs its manifest).
    internal Dictionary<string, DatasetRecord> Datasets { get; } = new(StringComparer.Ordinal);

    // The blob GET endpoint runs outside the gate and must refuse every holdout: it reads this copy, swapped on each change.
    private HashSet<string> _holdoutBlobs = new(StringComparer.Ordinal);

    // When each node was last heard from (stored as "seen" documents, so a node talking to one replica is online on all).
    internal Dictionary<string, DateTimeOffset> LastSeen { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, EscrowRecord> Escrows { get; } = new(StringComparer.Ordinal);
    internal SortedDictionary<string, OutboxItem> Outbox { get; } = new(StringComparer.Ordinal);

    /// <summary>The sequence number of the last outbox item planned (committed or not yet).</summary>
    internal long LastOutbox { get; private set; }

    /// <summary>Now, by the coordinator's clock.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    // The highest document version read from the store (-1: nothing read yet); see SwarmStore.DocumentsAfterAsync.
    private long _version = -1;

    /// <summary>Loads every stored document: the state the coordinator had when it stopped (or was killed).</summary>
    public async Task LoadAsync(CancellationToken cancellation)
    {
        await CatchUpAsync(cancellation);
        log.LogInformation("loaded {Jobs} jobs, {Rounds} round attempts, {Updates} updates, {Nodes} nodes", Jobs.Count, Rounds.Count, Updates.Count,
            Nodes.Count);
    }

    /// <summary>
    /// Reads into memory what was written since the last read (everything, the first time): on a shared store, what other
    /// replicas committed (and this one's own writes again, which changes nothing). Call under the committer's gate.
    /// </summary>
    internal async Task CatchUpAsync(CancellationToken cancellation)
    {
        var changed = await store.DocumentsAfterAsync(_version, cancellation);
        foreach (var d in changed)
            Place(d.Kind, d.Json);
        _version = Math.Max(0, changed.Count > 0 ? Math.Max(_version, changed[^1].Version) : _version);
        if (changed.Count == 0)
            return;
        RefreshHoldoutBlobs();
        RefreshActorsSnapshot();
    }

    private void Place(string kind, string json)
    {
        switch (kind)
        {
            case Kinds.Actor: var a = Read<ActorRecord>(json); Actors[a.Address] = a; break;
            case Kinds.Node: var n = Read<NodeRecord>(json); Nodes[n.Address] = n; break;
            case Kinds.Job: var j = Read<JobRecord>(json); Jobs[j.Id] = j; break;
            case Kinds.Round: var r = Read<RoundRecord>(json); Rounds[Kinds.RoundKey(r.Id, r.Attempt)] = r; break;
            case Kinds.Update:
                var u = Read<UpdateSubmission>(json);
                Updates[Kinds.UpdateKey(u.Receipt.RoundId, u.Receipt.Attempt, u.Receipt.Node)] = u;
                break;
            case Kinds.Result: var res = Read<RoundResultSubmission>(json); Results[Kinds.RoundKey(res.Result.RoundId, res.Result.Attempt)] = res; break;
            case Kinds.Vote:
                var v = Read<RoundResultSubmission>(json);
                Votes[Kinds.UpdateKey(v.Result.RoundId, v.Result.Attempt, v.Result.Validator)] = v;
                break;
            case Kinds.StateRequest:
                var sr = Read<StateRequestRecord>(json);
                StateRequests[Kinds.StateRequestKey(sr.RoundId, sr.Attempt, sr.Node, sr.State)] = sr;
                break;
            case Kinds.Quote: var q = Read<Quote>(json); Quotes[q.Id] = q; break;
            case Kinds.Escrow: var e = Read<EscrowRecord>(json); Escrows[e.JobId] = e; break;
            case Kinds.Dataset: var d = Read<DatasetRecord>(json); Datasets[d.Manifest.Id] = d; break;
            case Kinds.Seen: var s = Read<SeenRecord>(json); NoteSeen(s.Address, s.At); break;
            case Kinds.Outbox:
                var o = Read<OutboxItem>(json);
                Outbox[Kinds.OutboxKey(o.Seq)] = o;
                LastOutbox = Math.Max(LastOutbox, o.Seq);
                break;
            default: log.LogWarning("ignoring a stored document of unknown kind {Kind}", kind); break;
        }
    }

    private static T Read<T>(string json) => SwarmJson.Deserialize<T>(json);

    private void NoteSeen(string address, DateTimeOffset at)
    {
        if (!LastSeen.TryGetValue(address, out var known) || known < at)
            LastSeen[address] = at;
    }

    /// <summary>Notes that <paramref name="node"/> was heard from now, stored with the change so every replica knows.</summary>
    internal void MarkSeen(Changes changes, string node)
    {
        var seen = new SeenRecord(node, Now);
        changes.Put(Kinds.Seen, node, seen, () => NoteSeen(node, seen.At));
    }

    /// <summary>The registered public key of <paramref name="address"/> (SubjectPublicKeyInfo DER), or null; safe outside the gate.</summary>
    public byte[]? PublicKeyOf(string address) =>
        ActorOutsideGate(address) is { } actor ? Convert.FromBase64String(actor.PublicKey) : null;

    /// <summary>A registered actor, read from the snapshot that is safe outside the gate.</summary>
    internal ActorRecord? ActorOutsideGate(string address) => Volatile.Read(ref _actorsSnapshot)?.GetValueOrDefault(address);

    private void RefreshActorsSnapshot() => Volatile.Write(ref _actorsSnapshot, new Dictionary<string, ActorRecord>(Actors, StringComparer.Ordinal));

    /// <summary>True when <paramref name="blob"/> is the holdout of an uploaded dataset (validators only); safe outside the gate.</summary>
    public bool IsHoldoutBlob(string blob) => Volatile.Read(ref _holdoutBlobs).Contains(blob);

    private void RefreshHoldoutBlobs() =>
        Volatile.Write(ref _holdoutBlobs, Datasets.Values.Select(d => d.Manifest.Holdout.Blob).ToHashSet(StringComparer.Ordinal));

    internal void PutDataset(Changes changes, DatasetRecord dataset) =>
        changes.Put(Kinds.Dataset, dataset.Manifest.Id, dataset, () =>
        {
            Datasets[dataset.Manifest.Id] = dataset;
            RefreshHoldoutBlobs();
        });

    /// <summary>The current attempt of every round.</summary>
    internal IEnumerable<RoundRecord> CurrentRounds() =>
        Rounds.Values.GroupBy(r => r.Id, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.Attempt)!);

    /// <summary>The latest attempt of a job's latest round, or null.</summary>
    internal RoundRecord? CurrentRound(string jobId) =>
        Rounds.Values.Where(r => r.JobId == jobId).OrderBy(r => r.Index).ThenBy(r => r.Attempt).LastOrDefault();

    /// <summary>A round's current attempt with its job, refused when there is no such round or its job has ended.</summary>
    internal (JobRecord Job, RoundRecord Round) RunningRound(string roundId)
    {
        var round = CurrentRounds().FirstOrDefault(r => r.Id == roundId) ?? throw Refuse.NotFound($"no round {roundId}");
        var job = Jobs[round.JobId];
        if (job.Status != JobStatus.Running)
            throw Refuse.Conflict($"job {job.Id} has ended ({job.Status.ToString().ToLowerInvariant()})");
        return (job, round);
    }

    internal void PutJob(Changes changes, JobRecord job) => changes.Put(Kinds.Job, job.Id, job, () => Jobs[job.Id] = job);

    internal void PutRound(Changes changes, RoundRecord round)
    {
        var key = Kinds.RoundKey(round.Id, round.Attempt);
        changes.Put(Kinds.Round, key, round, () => Rounds[key] = round);
        changes.Rounds.Add(round);
    }

    internal void PutEscrow(Changes changes, EscrowRecord escrow) =>
        changes.Put(Kinds.Escrow, escrow.JobId, escrow, () => Escrows[escrow.JobId] = escrow);

    internal void PutActor(Changes changes, ActorRecord actor) =>
        changes.Put(Kinds.Actor, actor.Address, actor, () =>
        {
            Actors[actor.Address] = actor;
            RefreshActorsSnapshot();
        });

    internal void PutNode(Changes changes, NodeRecord node) =>
        changes.Put(Kinds.Node, node.Address, node, () =>
        {
            Nodes[node.Address] = node;
            NoteSeen(node.Address, node.LastSeenAt);
        });

    internal void PutStateRequest(Changes changes, StateRequestRecord request)
    {
        var key = Kinds.StateRequestKey(request.RoundId, request.Attempt, request.Node, request.State);
        changes.Put(Kinds.StateRequest, key, request, () => StateRequests[key] = request);
    }

    /// <summary>The state requests of one round attempt, by (node, state).</summary>
    internal Dictionary<(string Node, string State), StateRequestRecord> StateRequestsOf(string roundId, int attempt) =>
        StateRequests.Values.Where(r => r.RoundId == roundId && r.Attempt == attempt).ToDictionary(r => (r.Node, r.State));

    internal void PutQuote(Changes changes, Quote quote) => changes.Put(Kinds.Quote, quote.Id, quote, () => Quotes[quote.Id] = quote);

    internal void PutUpdate(Changes changes, UpdateSubmission update)
    {
        var key = Kinds.UpdateKey(update.Receipt.RoundId, update.Receipt.Attempt, update.Receipt.Node);
        changes.Put(Kinds.Update, key, update, () => Updates[key] = update);
    }

    internal void PutResult(Changes changes, RoundResultSubmission result)
    {
        var key = Kinds.RoundKey(result.Result.RoundId, result.Result.Attempt);
        changes.Put(Kinds.Result, key, result, () => Results[key] = result);
    }

    internal void PutVote(Changes changes, RoundResultSubmission vote)
    {
        var key = Kinds.UpdateKey(vote.Result.RoundId, vote.Result.Attempt, vote.Result.Validator);
        changes.Put(Kinds.Vote, key, vote, () => Votes[key] = vote);
    }

    /// <summary>Plans a ledger transfer: stored in the outbox with the change that decided it, committed to the ledger right after.</summary>
    internal void Enqueue(Changes changes, Ledger.TransferRequest transfer, string? completes)
    {
        var item = new OutboxItem(++LastOutbox, TransferWire.From(transfer), completes, null);
        PutOutbox(changes, item);
    }

    internal void PutOutbox(Changes changes, OutboxItem item)
    {
        var key = Kinds.OutboxKey(item.Seq);
        changes.Put(Kinds.Outbox, key, item, () => Outbox[key] = item);
    }
}
