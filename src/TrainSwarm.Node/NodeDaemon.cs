using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Daemons;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Tensors;

namespace TrainSwarm.Node;

/// <summary>
/// The trainer node: registers with the coordinator (the datasets it serves, and the names it maps to them), then
/// polls. Each poll says the node is alive, picks up the rounds it already holds (a restarted node continues its
/// work), and joins open rounds of the datasets it serves or maps while it has room (and their expected reward and
/// the stake suit it); every held round trains in its own background task through the <see cref="AssignmentTrainer"/>
/// unless auto-train is off, and every delivered round's payout is waited for, and claimed, in another. This class is
/// the loop that ties them: <see cref="RoundJoiner"/> finds work, <see cref="StakeLimit"/> checks the stake,
/// <see cref="RoundWork"/> trains and uploads, <see cref="PayoutWatcher"/> follows the pay.
/// </summary>
public sealed class NodeDaemon
{
    private readonly NodeOptions _options;
    private readonly INodeObserver _observer;
    private readonly HttpClient? _http;
    private readonly TimeProvider _clock;
    private readonly DatasetCache _datasets;
    private readonly PayoutWatcher _payouts;
    private readonly RoundWork _work;
    private readonly RoundJoiner _joiner;
    private int _started;

    /// <summary>A daemon with <paramref name="options"/> reporting to <paramref name="observer"/>.</summary>
    /// <param name="http">The HTTP client to talk through (tests); a private one when null.</param>
    /// <param name="clock">Time for deadlines, retries and request signatures.</param>
    /// <param name="trainer">Makes the trainer of every held round; null: the plain <see cref="AssignmentTrainer"/>.</param>
    public NodeDaemon(NodeOptions options, INodeObserver observer, HttpClient? http = null, TimeProvider? clock = null, TrainerFactory? trainer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(observer);
        // A daemon answers validators' state requests, so it keeps its states instead of uploading them all.
        options = options.StateDirectory is null && !string.IsNullOrWhiteSpace(options.KeyPath)
            ? options with { StateDirectory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.KeyPath)) ?? ".", "states") }
            : options;
        _options = options;
        _observer = observer;
        // An upload cap paces every request body this daemon sends (the caller's own client, when given, is used as it is).
        _http = http ?? (options.UploadBytesPerSecond is { } rate
            ? new HttpClient(new PacedUploadHandler(rate, new SocketsHttpHandler())) { Timeout = TimeSpan.FromMinutes(5) }
            : null);
        _clock = clock ?? TimeProvider.System;
        // Uploaded datasets' shards are public blobs: an unsigned client fetches them, kept by id beside the node's states (the data
        // directory may be a read-only system folder such as Debian's dataset install path).
        var uploaded = new UploadedShards(new SwarmClient(options.Coordinator, null, _http, _clock),
            options.StateDirectory is null ? UploadedShards.DefaultCacheDirectory : Path.Combine(options.StateDirectory, "uploaded-shards"));
        _datasets = new DatasetCache(options.DataDirectory, options.AllowDownload, line => observer.Info(null, line), options.DatasetPaths, uploaded);
        _payouts = new PayoutWatcher(options, observer, _clock);
        var factory = trainer ?? ((o, d, w, c) => new AssignmentTrainer(o, d, w, c));
        _work = new RoundWork(factory(options, _datasets, observer, _clock), _payouts, observer);
        _joiner = new RoundJoiner(options, _datasets, new StakeLimit(options, observer, _clock), _work, _payouts, observer);
    }

    /// <summary>The number of rounds training right now.</summary>
    public int RunningRounds => _work.Running;

    /// <summary>The number of delivered rounds whose payout the node is still waiting for.</summary>
    public int PendingPayouts => _payouts.Pending;

    /// <summary>
    /// Runs until <paramref name="cancellation"/> fires, then stops every training task and returns normally. The
    /// node keeps no local state but its committed training states until their rounds settle: a round interrupted here is
    /// still assigned to it, the next start resumes it and still answers requests for states of rounds delivered before.
    /// Throws only for what retrying cannot fix: an unreadable key, bad options, a registration the coordinator refuses.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("a node daemon runs once; create another to run again");
        _options.Validate();
        await CheckDatasetsAsync(cancellation).ConfigureAwait(false);
        using var key = ActorKey.Load(_options.KeyPath);
        if (_options.Threads is { } threads)
            Engine.Threads = threads;
        using var client = new SwarmClient(_options.Coordinator, key, _http, _clock);
        var states = new StateServer(new CheckpointStore(_options.StateDirectory!, key.Address), _observer);
        // Fires when the daemon stops; every training and payout task watches it.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        try
        {
            var warm = await Task.Run(() => RlWarmup.Run(stopping.Token), stopping.Token).ConfigureAwait(false);
            _observer.Info(null, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rl code compiled in {warm.TotalSeconds:F1} s"));
            var hardware = await Task.Run(() => MachineProbe.Hardware(_options.Gpu, _options.BenchmarkDuration, stopping.Token), stopping.Token)
                .ConfigureAwait(false);
            var benchmark = await Task.Run(() => MachineProbe.Measure(_options.BenchmarkDuration, stopping.Token), stopping.Token).ConfigureAwait(false);
            _observer.Benchmarked(hardware, benchmark);
            var registration = new Registration(client, hardware, benchmark);
            await RegisterAsync(registration, stopping.Token).ConfigureAwait(false);

            // A round that opens (or is retried) wakes the loop at once, so joining does not wait out the poll interval; so does a validator's
            // request for training states, which the poll serves first.
            await using var wakeup = new EventWakeup(
                client, [EventTypes.RoundStarted, EventTypes.RoundRetried, EventTypes.StatesRequested], _clock, stopping.Token);
            var failures = 0;
            while (true)
            {
                failures = await PollAsync(registration, key, states, failures, stopping.Token).ConfigureAwait(false);
                _observer.Polled(failures);
                // After a failed poll, back off like any retry so a coordinator that is down is not hammered.
                if (failures == 0)
                    await wakeup.SleepAsync(_options.PollInterval, stopping.Token).ConfigureAwait(false);
                else
                    await Task.Delay(TimeSpan.FromTicks(Math.Max(_options.PollInterval.Ticks, NodeRetry.Policy.Delay(failures).Ticks)), _clock,
                        stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Asked to stop: not an error.
        }
        finally
        {
            // Stop the training and payout tasks too (also when leaving by an error) and wait, so none outlives this call.
            await stopping.CancelAsync().ConfigureAwait(false);
            await _work.WhenAllAsync().ConfigureAwait(false);
            // Payout waits next: a training task that delivered just before the stop may have started one.
            await _payouts.WhenAllAsync().ConfigureAwait(false);
            _observer.Stopped();
        }
    }

    /// <summary>What the node tells the coordinator about itself, kept to register again if the coordinator forgets it.</summary>
    private sealed record Registration(SwarmClient Client, Hardware Hardware, Benchmark Benchmark);

    /// <summary>The dataset names this node registers: those it serves, and every requested name it maps to a loadable dataset.</summary>
    public IReadOnlyList<string> RegisteredDatasets => DatasetResolution.Registered(_options.Datasets, _options.DatasetMappings, _datasets.IsLoadable);

    // Offers only the datasets whose files are here (checked), so the coordinator never assigns this node one it lacks; a node
    // with none of them has nothing to offer and stops with one line saying what is missing.
    private async Task CheckDatasetsAsync(CancellationToken cancellation)
    {
        var wanted = _options.Datasets.Concat(_options.DatasetMappings.Values);
        var absent = await _datasets.CheckPresentAsync(wanted, cancellation).ConfigureAwait(false);
        foreach (var (name, reason) in absent.OrderBy(a => a.Key, StringComparer.Ordinal))
            _observer.Info(null, $"not serving {name}: {reason}");
        if (RegisteredDatasets.Count == 0)
            throw new FileNotFoundException(
                $"none of this node's datasets ({string.Join(", ", _options.Datasets)}) is on this machine; fetch one with "
                + $"'swarm dataset fetch {_options.Datasets[0]}', give its directory (--data-dir or a path) or start with --download");
    }

    // Registration waits as long as it takes: a node is often started before its coordinator.
    private async Task RegisterAsync(Registration registration, CancellationToken cancellation)
    {
        var datasets = RegisteredDatasets;
        var node = await NodeRetry.RunAsync(
            c => registration.Client.RegisterNodeAsync(_options.Name, registration.Hardware, registration.Benchmark, datasets, c),
            "register", null, DateTimeOffset.MaxValue, _observer, _clock, cancellation).ConfigureAwait(false);
        _observer.Registered(node);
    }

    /// <summary>One poll; returns the number of consecutive failed polls (0 after a good one).</summary>
    private async Task<int> PollAsync(Registration registration, ActorKey key, StateServer states, int failures, CancellationToken cancellation)
    {
        try
        {
            await HeartbeatAsync(registration, cancellation).ConfigureAwait(false);
            // First: a requested state has a deadline, joining a new round has none.
            await states.ServeAsync(registration.Client, cancellation).ConfigureAwait(false);
            await _joiner.ResumeAssignmentsAsync(registration.Client, key, cancellation).ConfigureAwait(false);
            await _joiner.JoinOpenRoundsAsync(registration.Client, key, cancellation).ConfigureAwait(false);
            if (failures > 0)
                _observer.Info(null, $"{_options.Coordinator} answers again");
            return 0;
        }
        catch (Exception e) when (NetworkRetry.IsTransient(e, cancellation) || e is SwarmApiException)
        {
            // Said once per outage, not on every poll.
            if (failures == 0)
                _observer.Error(null, $"polling {_options.Coordinator} failed: {e.Message}; retrying");
            return failures + 1;
        }
    }

    private async Task HeartbeatAsync(Registration registration, CancellationToken cancellation)
    {
        try
        {
            await registration.Client.HeartbeatAsync(cancellation).ConfigureAwait(false);
        }
        catch (SwarmApiException e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // The coordinator does not know this node (a fresh database): introduce it again.
            await RegisterAsync(registration, cancellation).ConfigureAwait(false);
        }
    }
}
