using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using TrainSwarm.Coordinator.Telemetry;
using TrainSwarm.Protocol.Tracing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// One round's trace across processes: a node's span (started as the node daemon starts its own, in the round's trace)
/// reaches the coordinator on the signed join request (W3C traceparent, outside the signature, so the request still
/// verifies), the coordinator's request span is its child, the coordinator's phase spans share the round's trace id and
/// carry the round and job ids, and the coordinator's log lines carry the trace id of the request that wrote them.
/// </summary>
public sealed class TracePropagationTests
{
    private static readonly ActivitySource NodeSide = new("TrainSwarm.Tests.Node");

    [Fact]
    public async Task A_node_span_propagates_into_the_coordinator_and_the_round_phases_share_its_trace()
    {
        var spans = new LockedList<Activity>();
        var logs = new ConcurrentQueue<(ActivityTraceId TraceId, string? Type, string? RoundTraceId)>();
        await using var swarm = new OwnedFixture(new CoordinatorFixture
        {
            Telemetry = new TelemetryOptions
            {
                Otlp = false,
                Tracing = t => t.AddSource(NodeSide.Name).AddInMemoryExporter(spans),
                Logging = l => l.AddProcessor(new LogCapture(logs)),
            },
        });
        await swarm.Fixture.InitializeAsync();
        var s = swarm.Fixture;

        using var creator = await s.ActorAsync("creator");
        var job = await s.JobAsync(creator, MarketDriver.RoundSpec with { MaxNodes = 1, MinNodes = 1 });
        var roundId = (await s.RoundOfAsync(job.Id)).Id;
        using var node = await s.NodeAsync("fashion-mnist");
        using var client = s.Client(node);
        ActivitySpanId nodeSpan;
        using (var span = RoundTrace.Start(NodeSide, "node join", roundId, job.Id, 1))
        {
            Assert.NotNull(span);
            nodeSpan = span.SpanId;
            await client.JoinAsync(roundId); // signed: it would be 401 if the trace headers broke the signature
        }
        var trace = RoundTrace.ParentOf(roundId).TraceId;

        Activity? server = null;
        await CoordinatorFixture.EventuallyAsync(() => Task.FromResult((server = Snapshot(spans).FirstOrDefault(a =>
            a.Kind == ActivityKind.Server && (a.GetTagItem("url.path") as string) == Routes.RoundJoin(roundId))) is not null),
            "the coordinator's span of the join request");
        Assert.Equal(trace, server!.TraceId);
        // The server span's parent is the node's span, or the HTTP client span the node's request made under it.
        var parent = Snapshot(spans).FirstOrDefault(a => a.SpanId == server.ParentSpanId);
        Assert.True(server.ParentSpanId == nodeSpan || parent?.ParentSpanId == nodeSpan,
            $"the join request's span {server.SpanId} (parent {server.ParentSpanId}) does not descend from the node's span {nodeSpan}");
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));

        // The round runs to its end by hand; the phase spans then appear in the same trace. (The coordinator's span source
        // is one per process, so other tests' coordinators running beside this one add spans of their own rounds' traces.)
        using var v = await s.ActorAsync("validator");
        var max = (long)MarketDriver.RoundSpec.InnerSteps * MarketDriver.RoundSpec.BatchSize;
        await DeliverAndJudgeAsync(s, roundId, node, v, max);
        List<Activity> phases = [];
        await CoordinatorFixture.EventuallyAsync(() => Task.FromResult((phases = Snapshot(spans).Where(a =>
            a.Source.Name == CoordinatorTracing.SourceName && a.TraceId == trace).ToList()).Count == 3),
            "three phase spans");
        Assert.Equal(["round open", "round training", "round validating"], phases.OrderBy(p => p.StartTimeUtc).Select(p => p.DisplayName));
        foreach (var phase in phases)
        {
            Assert.Equal(trace, phase.TraceId);
            Assert.Equal(roundId, phase.GetTagItem(RoundTrace.RoundIdTag));
            Assert.Equal(job.Id, phase.GetTagItem(RoundTrace.JobIdTag));
            Assert.True(phase.Duration >= TimeSpan.Zero);
        }
        var ordered = phases.OrderBy(p => p.StartTimeUtc).ToList();
        for (var i = 1; i < ordered.Count; i++)
            Assert.Equal(ordered[i - 1].StartTimeUtc + ordered[i - 1].Duration, ordered[i].StartTimeUtc);

        // The log line the join wrote (node-joined) carries the trace id of the request that committed it.
        Assert.Contains(logs, l => l.Type == EventTypes.NodeJoined && l.TraceId == trace);
        // Every event line of the round names the round's trace id, also those written outside its trace (the submit that
        // started round 0 was a request of no round), so the coordinator's log greps like the nodes' and validators'.
        Assert.Contains(logs, l => l.Type == EventTypes.RoundStarted && l.TraceId != trace && l.RoundTraceId == trace.ToHexString());
        Assert.Equal(RoundTrace.TraceIdOf(roundId), Assert.Single(logs, l => l.Type == EventTypes.NodeJoined).RoundTraceId);
        Assert.All(logs.Where(l => l.Type is EventTypes.TrainingStarted or EventTypes.UpdateReceived or EventTypes.RoundDone),
            l => Assert.Matches("^[0-9a-f]{32}$", l.RoundTraceId));
        Assert.All(logs.Where(l => l.Type == EventTypes.JobSubmitted), l => Assert.Null(l.RoundTraceId));
    }

    private static async Task DeliverAndJudgeAsync(CoordinatorFixture s, string roundId, Protocol.Identity.ActorKey node, Protocol.Identity.ActorKey v,
        long samples)
    {
        using var client = s.Client(node);
        var a = (await client.AssignmentsAsync(node.Address)).Single(x => x.RoundId == roundId);
        var blob = await client.PutBlobAsync(System.Text.Encoding.UTF8.GetBytes($"delta of {node.Address} in {roundId}"));
        var receipt = new TrainingReceipt(a.JobId, a.RoundId, a.Attempt, node.Address, a.BaseModel, a.ShardIndex, a.ShardCount, a.Seed,
            a.Spec.InnerSteps, samples, [2.3f, 2.1f], 0.25, [new Commitment(2, new string('0', 64))], blob, "f32", "fashion-mnist");
        await client.SubmitUpdateAsync(roundId, new UpdateSubmission(receipt, Protocol.Signing.DocumentSignature.Sign(node, receipt)));
        using var validator = s.Client(v);
        var task = await validator.TakeValidationAsync(roundId);
        var model = await validator.PutBlobAsync(System.Text.Encoding.UTF8.GetBytes($"new model of {roundId}"));
        var verdict = new UpdateVerdict(node.Address, blob, true, null, samples, task.Spec.InnerSteps, 1.5, 1.0, 0.5, 0.8, 0.6, 1.0);
        var result = new RoundResult(roundId, task.Round.Attempt, v.Address, task.Round.BaseModel, model, task.Spec.Strategy, null, [verdict],
            new RoundMetrics(1.0, 0.5, 0.8, 0.6, 100, 0.8, 0.6, 100));
        await validator.SubmitResultAsync(roundId, new RoundResultSubmission(result, Protocol.Signing.DocumentSignature.Sign(v, result)));
    }

    private static List<Activity> Snapshot(LockedList<Activity> spans) => spans.Snapshot();

    /// <summary>A list the exporter appends to from the server's threads while the test reads copies of it.</summary>
    private sealed class LockedList<T> : ICollection<T>
    {
        private readonly List<T> _items = [];

        public int Count
        {
            get
            {
                lock (_items)
                    return _items.Count;
            }
        }

        public bool IsReadOnly => false;

        public List<T> Snapshot()
        {
            lock (_items)
                return [.. _items];
        }

        public void Add(T item)
        {
            lock (_items)
                _items.Add(item);
        }

        public void Clear()
        {
            lock (_items)
                _items.Clear();
        }

        public bool Contains(T item) => Snapshot().Contains(item);

        public void CopyTo(T[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(T item)
        {
            lock (_items)
                return _items.Remove(item);
        }

        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Keeps each log record's trace id, event type and round trace id (records are pooled, so nothing else is kept).</summary>
    private sealed class LogCapture(ConcurrentQueue<(ActivityTraceId, string?, string?)> into) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data)
        {
            string? type = null, roundTrace = null;
            foreach (var (key, value) in data.Attributes ?? [])
            {
                if (key == "Type")
                    type = value as string;
                else if (key == "RoundTraceId")
                    roundTrace = value as string;
            }
            into.Enqueue((data.TraceId, type, roundTrace));
        }
    }

    /// <summary>Disposes a fixture the test started itself (it needs telemetry options a class fixture cannot take).</summary>
    private sealed class OwnedFixture(CoordinatorFixture fixture) : IAsyncDisposable
    {
        public CoordinatorFixture Fixture => fixture;

        public async ValueTask DisposeAsync() => await fixture.DisposeAsync();
    }
}
