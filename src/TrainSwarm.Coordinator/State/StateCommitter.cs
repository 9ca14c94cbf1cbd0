using System.Text.Json;
using Microsoft.Extensions.Logging;
using TrainSwarm.Coordinator.Events;
using TrainSwarm.Coordinator.Telemetry;
using TrainSwarm.Coordinator.UseCases;
using TrainSwarm.Protocol.Tracing;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.State;

/// <summary>
/// The one way state changes: under one gate, a use case prepares a <see cref="Changes"/>, which is persisted in one
/// transaction, and only then applied to memory and published; so whatever a client was told is stored, and a restart
/// loads it all back. Ledger transfers the change planned go to the ledger from the outbox right after.
/// </summary>
public sealed class StateCommitter(
    SwarmState state, SwarmStore store, EventHub hub, DrainOutbox outbox, CommitTelemetry telemetry, ILogger<StateCommitter> log)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastSequence;

    /// <summary>Loads the stored state and the last event's sequence number.</summary>
    public async Task LoadAsync(CancellationToken cancellation)
    {
        await state.LoadAsync(cancellation);
        _lastSequence = await store.LastEventSequenceAsync(cancellation);
        hub.FeedFrom(_lastSequence);
    }

    /// <summary>
    /// Under the gate, reads what other replicas committed (nothing on SQLite), so a read or a decision sees the whole
    /// network's state. Code outside the gate that reads the actor or holdout snapshots calls this first.
    /// </summary>
    public Task RefreshAsync(CancellationToken cancellation) => ReadAsync(() => 0, cancellation);

    // On a shared store, memory is brought up to the database (under the state lock when about to write) first.
    private async Task CatchUpAsync(bool writing, CancellationToken cancellation)
    {
        if (!store.Shared)
            return;
        await state.CatchUpAsync(cancellation);
        if (writing)
            _lastSequence = await store.LastEventSequenceAsync(cancellation);
    }

    /// <summary>Runs <paramref name="decide"/> under the gate and commits what it prepared.</summary>
    internal Task<T> MutateAsync<T>(Func<Changes, T> decide, CancellationToken cancellation) =>
        MutateWithLedgerAsync(changes => Task.FromResult(decide(changes)), cancellation);

    /// <summary>
    /// Like <see cref="MutateAsync"/> for decisions that must hear from the ledger first (an escrow, a stake): the ledger
    /// commits before the state change does, with an id fixed by its purpose, so a retry after a crash finds it.
    /// Then the ledger transfers the change planned (payouts, refunds) are committed from the outbox.
    /// </summary>
    internal async Task<T> MutateWithLedgerAsync<T>(Func<Changes, Task<T>> decide, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            // Held from the catch-up to the commit: no other replica commits in between, so the decision is on the latest state.
            await using var held = await store.LockStateAsync(cancellation);
            await CatchUpAsync(writing: true, cancellation);
            var changes = new Changes();
            var result = await decide(changes);
            await CommitAsync(changes, cancellation);
            if (changes.Documents.Any(d => d.Kind == Kinds.Outbox))
                await DrainUnderGateAsync();
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads under the gate, so a reader never sees half of a change.</summary>
    internal async Task<T> ReadAsync<T>(Func<T> read, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            await CatchUpAsync(writing: false, cancellation);
            return read();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Commits anything left in the outbox (after a restart, or after a failed drain).</summary>
    public async Task DrainOutboxAsync(CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            await using var held = await store.LockStateAsync(cancellation);
            await CatchUpAsync(writing: true, cancellation);
            await DrainUnderGateAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DrainUnderGateAsync()
    {
        if (await outbox.SubmitDueAsync() is not { } answers)
            return;
        try
        {
            await CommitAsync(answers, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "recording ledger answers failed; the transfers are committed and will be answered 'exists' next time");
        }
    }

    private async Task CommitAsync(Changes changes, CancellationToken cancellation)
    {
        if (changes.IsEmpty)
            return;
        var now = state.Now;
        var events = new List<SwarmEvent>(changes.Events.Count);
        var sequence = _lastSequence;
        foreach (var (jobId, roundId, what) in changes.Events)
        {
            JsonElement? data = what.Data is null ? null : JsonSerializer.SerializeToElement(what.Data, what.Data.GetType(), SwarmJson.Options);
            events.Add(new SwarmEvent(++sequence, what.Type, now, jobId, roundId, what.Node, what.Message, data));
        }
        // CancellationToken.None: once we start writing, finish; a half-acknowledged change must not exist.
        var stored = events.Select(e => new StoredEvent(e.Sequence, e.JobId, SwarmJson.Serialize(e))).ToList();
        await store.SaveAsync(changes.Documents, stored, CancellationToken.None);
        _lastSequence = sequence;
        // Each attempt once, as last written, beside what memory held before this change (telemetry counts transitions).
        var rounds = changes.Rounds.GroupBy(r => Kinds.RoundKey(r.Id, r.Attempt), StringComparer.Ordinal)
            .Select(g => new RoundWrite(state.Rounds.GetValueOrDefault(g.Key), g.Last())).ToList();
        foreach (var apply in changes.Apply)
            apply();
        // One process publishes its own commits in order; replicas publish everyone's, in order, from the stored log.
        if (store.Shared)
            hub.Wake();
        else
            hub.Publish(events);
        telemetry.Committed(rounds, changes.Events);
        // A round's events name the round's trace id, which the nodes' and validators' lines about it carry too.
        foreach (var e in events)
        {
            if (e.RoundId is null)
                log.LogInformation("{Type} {Job} {Message}", e.Type, e.JobId, e.Message);
            else
                log.LogInformation("{Type} {Job} {Message} trace={RoundTraceId}", e.Type, e.JobId, e.Message, RoundTrace.TraceIdOf(e.RoundId));
        }
    }
}
