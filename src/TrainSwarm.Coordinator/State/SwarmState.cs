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

    // Liveness is memory only: it need not survive a restart.
    internal Dictionary<string, DateTimeOffset> LastSeen { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, EscrowRecord> Escrows { get; } = new(StringComparer.Ordinal);
    internal SortedDictionary<string, OutboxItem> Outbox { get; } = new(StringComparer.Ordinal);

    /// <summary>The sequence number of the last outbox item planned (committed or not yet).</summary>
    internal long LastOutbox { get; private set; }

    /// <summary>Now, by the coordinator's clock.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Loads every stored document: the state the coordinator had when it stopped (or was killed).</summary>
    public async Task LoadAsync(CancellationToken cancellation)
    {
        foreach (var a in await LoadAsync<ActorRecord>(Kinds.Actor, cancellation))
            Actors[a.Address] = a;
        foreach (var n in await LoadAsync<NodeRecord>(Kinds.Node, cancellation))
            Nodes[n.Address] = n;
        foreach (var j in await LoadAsync<JobRecord>(Kinds.Job, cancellation))
            Jobs[j.Id] = j;
        foreach (var r in await LoadAsync<RoundRecord>(Kinds.Round, cancellation))
            Rounds[Kinds.RoundKey(r.Id, r.Attempt)] = r;
        foreach (var u in await LoadAsync<UpdateSubmission>(Kinds.Update, cancellation))
            Updates[Kinds.UpdateKey(u.Receipt.RoundId, u.Receipt.Attempt, u.Receipt.Node)] = u;
        foreach (var r in await LoadAsync<RoundResultSubmission>(Kinds.Result, cancellation))
            Results[Kinds.RoundKey(r.Result.RoundId, r.Result.Attempt)] = r;
        foreach (var v in await LoadAsync<RoundResultSubmission>(Kinds.Vote, cancellation))
            Votes[Kinds.UpdateKey(v.Result.RoundId, v.Result.Attempt, v.Result.Validator)] = v;
        foreach (var r in await LoadAsync<StateRequestRecord>(Kinds.StateRequest, cancellation))
            StateRequests[Kinds.StateRequestKey(r.RoundId, r.Attempt, r.Node, r.State)] = r;
        foreach (var q in await LoadAsync<Quote>(Kinds.Quote, cancellation))
            Quotes[q.Id] = q;
        foreach (var e in await LoadAsync<EscrowRecord>(Kinds.Escrow, cancellation))
            Escrows[e.JobId] = e;
        foreach (var d in await LoadAsync<DatasetRecord>(Kinds.Dataset, cancellation))
            Datasets[d.Manifest.Id] = d;
        RefreshHoldoutBlobs();
        foreach (var o in await LoadAsync<OutboxItem>(Kinds.Outbox, cancellation))
        {
            Outbox[Kinds.OutboxKey(o.Seq)] = o;
            LastOutbox = Math.Max(LastOutbox, o.Seq);
        }
        RefreshActorsSnapshot();
        log.LogInformation("loaded {Jobs} jobs, {Rounds} round attempts, {Updates} updates, {Nodes} nodes", Jobs.Count, Rounds.Count, Updates.Count,
            Nodes.Count);
    }

    private async Task<IEnumerable<T>> LoadAsync<T>(string kind, CancellationToken cancellation) =>
        (await store.LoadAsync(kind, cancellation)).Select(SwarmJson.Deserialize<T>);

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
            LastSeen[node.Address] = node.LastSeenAt;
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
