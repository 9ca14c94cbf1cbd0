using System.Text.Json;
using Microsoft.Extensions.Logging;
using TrainSwarm.Coordinator.Events;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;
using TrainSwarm.Storage.Ledger;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.State;

/// <summary>
/// The coordinator's live state: actors, nodes, jobs, rounds, updates and results, held in memory and written through
/// to the <see cref="SwarmStore"/>. Every change runs under one gate, is persisted in one transaction, and only then
/// becomes visible and is published; so whatever a client was told is stored, and a restart loads it all back.
/// </summary>
public sealed partial class SwarmService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SwarmStore _store;
    private readonly EventHub _hub;
    private readonly TimeProvider _clock;
    private readonly ILogger<SwarmService> _log;
    private readonly Dictionary<string, ActorRecord> _actors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeRecord> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobView> _jobs = new(StringComparer.Ordinal);
    // Every attempt of every round, by (round id, attempt); the current attempt is the highest.
    private readonly SortedDictionary<string, RoundView> _rounds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UpdateSubmission> _updates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoundResultSubmission> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Quote> _quotes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EscrowRecord> _escrows = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, OutboxItem> _outbox = new(StringComparer.Ordinal);
    private readonly LedgerStore _ledger;
    private long _lastSequence;
    private long _lastOutbox;

    public SwarmService(SwarmStore store, LedgerStore ledger, EventHub hub, BlobStore blobs, CoordinatorOptions options, CoordinatorIdentity identity, TimeProvider clock, ILogger<SwarmService> log)
    {
        _store = store;
        _ledger = ledger;
        _hub = hub;
        Blobs = blobs;
        Options = options;
        Identity = identity;
        _clock = clock;
        _log = log;
    }

    /// <summary>The blob store (models, updates).</summary>
    public BlobStore Blobs { get; }

    /// <summary>The settings this coordinator runs with.</summary>
    public CoordinatorOptions Options { get; }

    /// <summary>The coordinator's own key.</summary>
    public CoordinatorIdentity Identity { get; }

    /// <summary>Now, by the coordinator's clock.</summary>
    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Loads everything stored: the state the coordinator had when it stopped (or was killed).</summary>
    public async Task LoadAsync(CancellationToken cancellation)
    {
        foreach (var json in await _store.LoadAsync(Kinds.Actor, cancellation))
        {
            var a = SwarmJson.Deserialize<ActorRecord>(json);
            _actors[a.Address] = a;
        }
        foreach (var json in await _store.LoadAsync(Kinds.Node, cancellation))
        {
            var n = SwarmJson.Deserialize<NodeRecord>(json);
            _nodes[n.Address] = n;
        }
        foreach (var json in await _store.LoadAsync(Kinds.Job, cancellation))
        {
            var j = SwarmJson.Deserialize<JobView>(json);
            _jobs[j.Id] = j;
        }
        foreach (var json in await _store.LoadAsync(Kinds.Round, cancellation))
        {
            var r = SwarmJson.Deserialize<RoundView>(json);
            _rounds[Kinds.RoundKey(r.Id, r.Attempt)] = r;
        }
        foreach (var json in await _store.LoadAsync(Kinds.Update, cancellation))
        {
            var u = SwarmJson.Deserialize<UpdateSubmission>(json);
            _updates[Kinds.UpdateKey(u.Receipt.RoundId, u.Receipt.Attempt, u.Receipt.Node)] = u;
        }
        foreach (var json in await _store.LoadAsync(Kinds.Result, cancellation))
        {
            var r = SwarmJson.Deserialize<RoundResultSubmission>(json);
            _results[Kinds.RoundKey(r.Result.RoundId, r.Result.Attempt)] = r;
        }
        foreach (var json in await _store.LoadAsync(Kinds.Quote, cancellation))
        {
            var q = SwarmJson.Deserialize<Quote>(json);
            _quotes[q.Id] = q;
        }
        foreach (var json in await _store.LoadAsync(Kinds.Escrow, cancellation))
        {
            var e = SwarmJson.Deserialize<EscrowRecord>(json);
            _escrows[e.JobId] = e;
        }
        foreach (var json in await _store.LoadAsync(Kinds.Outbox, cancellation))
        {
            var o = SwarmJson.Deserialize<OutboxItem>(json);
            _outbox[Kinds.OutboxKey(o.Seq)] = o;
            _lastOutbox = Math.Max(_lastOutbox, o.Seq);
        }
        _lastSequence = await _store.LastEventSequenceAsync(cancellation);
        await OpenMarketAccountsAsync(cancellation);
        RefreshActorsSnapshot();
        _log.LogInformation("loaded {Jobs} jobs, {Rounds} round attempts, {Updates} updates, {Nodes} nodes", _jobs.Count, _rounds.Count, _updates.Count, _nodes.Count);
    }

    /// <summary>Runs <paramref name="decide"/> under the gate and commits what it prepared.</summary>
    private Task<T> MutateAsync<T>(Func<Changes, T> decide, CancellationToken cancellation) =>
        MutateWithLedgerAsync(changes => Task.FromResult(decide(changes)), cancellation);

    /// <summary>
    /// Like <see cref="MutateAsync"/> for decisions that must hear from the ledger first (an escrow, a stake): the ledger
    /// commits before the state change does, with an id fixed by its purpose, so a retry after a crash finds it.
    /// Then the ledger transfers the change planned (payouts, refunds) are committed from the outbox.
    /// </summary>
    private async Task<T> MutateWithLedgerAsync<T>(Func<Changes, Task<T>> decide, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            var changes = new Changes();
            var result = await decide(changes);
            await CommitAsync(changes, cancellation);
            if (changes.Documents.Any(d => d.Kind == Kinds.Outbox))
                await DrainOutboxUnderGateAsync();
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CommitAsync(Changes changes, CancellationToken cancellation)
    {
        if (changes.IsEmpty)
            return;
        var now = Now;
        var events = new List<SwarmEvent>(changes.Events.Count);
        var sequence = _lastSequence;
        foreach (var (jobId, roundId, what) in changes.Events)
        {
            JsonElement? data = what.Data is null ? null : JsonSerializer.SerializeToElement(what.Data, what.Data.GetType(), SwarmJson.Options);
            events.Add(new SwarmEvent(++sequence, what.Type, now, jobId, roundId, what.Node, what.Message, data));
        }
        // CancellationToken.None: once we start writing, finish; a half-acknowledged change must not exist.
        await _store.SaveAsync(changes.Documents, events.Select(e => new StoredEvent(e.Sequence, e.JobId, SwarmJson.Serialize(e))).ToList(), CancellationToken.None);
        _lastSequence = sequence;
        foreach (var apply in changes.Apply)
            apply();
        _hub.Publish(events);
        foreach (var e in events)
            _log.LogInformation("{Type} {Job} {Message}", e.Type, e.JobId, e.Message);
    }

    private void PutJob(Changes changes, JobView job) => changes.Put(Kinds.Job, job.Id, job, () => _jobs[job.Id] = job);

    private void PutRound(Changes changes, RoundView round)
    {
        var key = Kinds.RoundKey(round.Id, round.Attempt);
        changes.Put(Kinds.Round, key, round, () => _rounds[key] = round);
    }
}
