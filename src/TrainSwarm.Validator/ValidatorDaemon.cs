using System.Diagnostics;
using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Daemons;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Tracing;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Tensors;

namespace TrainSwarm.Validator;

/// <summary>
/// The validator process: registers its key, then polls for validating rounds, takes one at a time (another
/// validator's lease is a 409 and is skipped), validates it and posts the signed result, until cancelled.
/// </summary>
public sealed class ValidatorDaemon(ValidatorOptions options, IValidatorObserver observer, HttpClient? http = null)
{
    // A round that failed for a reason other than the network is left alone this long before it is taken again,
    // so a persistent fault costs one report per interval instead of one per poll.
    private static readonly TimeSpan RetryFailedRoundAfter = TimeSpan.FromSeconds(30);

    private readonly ValidatorOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly IValidatorObserver _observer = observer ?? throw new ArgumentNullException(nameof(observer));
    private readonly Dictionary<string, DateTimeOffset> _skipUntil = new(StringComparer.Ordinal);
    // A job's spec never changes once submitted: looked up once per job for the rounds scored early.
    private readonly Dictionary<string, JobSpec> _specs = new(StringComparer.Ordinal);
    // Round attempts whose early scoring failed: not tried again (a missing dataset would fail every poll); validation does the work.
    private readonly HashSet<string> _earlyFailed = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs until <paramref name="cancellation"/> fires, then returns normally. Throws only for what no retry can fix:
    /// an unreadable key, or the coordinator refusing this key as a validator.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        Engine.Threads = _options.Threads;
        using var key = ActorKey.Load(_options.KeyPath);
        using var client = new SwarmClient(_options.Coordinator, key, http);
        var retry = new ValidatorRetry(ValidatorRetry.Policy(_options.MaxBackoff), _observer);
        // A validator keeps uploaded shards and holdouts in memory only (its ShardCache): the holdout must not sit on a shared disk.
        var uploaded = new UploadedShards(client, null);
        var datasets = new ValidatorDatasets(new DatasetCache(_options.DataDirectory, _options.AllowDownload, _observer.Info, uploaded: uploaded));
        // One GPU trainer, so one CUDA context, for every replay this process makes.
        using var gpuReplays = _options.Gpu is { } gpu ? new Daemons.Devices.GpuRoundTrainer(gpu) : null;
        var validation = new RoundValidation(client, key, datasets, retry, _observer) { GpuReplays = gpuReplays };
        try
        {
            var warm = await Task.Run(() => RlWarmup.Run(cancellation), cancellation);
            _observer.Info(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rl code compiled in {warm.TotalSeconds:F1} s"));
            await retry.RunAsync("registering with the coordinator", c => client.RegisterActorAsync("validator", c), cancellation);
            _observer.Registered(key.Address, _options.Coordinator);
            // A round whose updates are all in (or whose deadline moved it on) wakes the loop at once instead of at the next poll, and so
            // does each delivered update, which is scored while the round's other nodes still train.
            await using var wakeup = new EventWakeup(
                client, [EventTypes.ValidationStarted, EventTypes.RoundRetried, EventTypes.UpdateReceived], cancellation: cancellation);
            // Nodes' answers to this validator's state requests end its wait for them (a wake-up of its own, so the loop's is not consumed).
            await using var answers = new EventWakeup(client, [EventTypes.StatesAnswered], cancellation: cancellation);
            validation.Answers = answers;
            while (true)
            {
                var rounds = await retry.RunAsync("listing validating rounds", c => client.RoundsAsync(RoundStatus.Validating, cancellation: c), cancellation);
                ForgetFinished(rounds);
                foreach (var round in rounds.OrderBy(r => r.ValidatingAt ?? r.OpenedAt))
                    await ValidateAsync(client, retry, validation, round, cancellation);
                var training = await retry.RunAsync("listing training rounds", c => client.RoundsAsync(RoundStatus.Training, cancellation: c), cancellation);
                validation.Early.Keep(rounds.Concat(training).Select(EarlyRound.KeyOf).ToHashSet(StringComparer.Ordinal));
                foreach (var round in training.OrderBy(r => r.TrainingAt ?? r.OpenedAt))
                    await PrescoreAsync(client, validation, round, cancellation);
                await wakeup.SleepAsync(_options.PollInterval, cancellation);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Ctrl+C: a round in progress is abandoned; its lease runs out and it is taken again.
        }
    }

    /// <summary>
    /// Scores <paramref name="round"/>'s delivered updates while it still trains (<see cref="RoundValidation.PrescoreAsync"/>). An optimization
    /// only: whatever goes wrong here is reported and validation does the work as before.
    /// </summary>
    private async Task PrescoreAsync(SwarmClient client, RoundValidation validation, RoundView round, CancellationToken cancellation)
    {
        if (_earlyFailed.Contains(EarlyRound.KeyOf(round)))
            return;
        try
        {
            if (!_specs.TryGetValue(round.JobId, out var spec))
                _specs[round.JobId] = spec = (await client.JobAsync(round.JobId, cancellation)).Spec;
            await validation.PrescoreAsync(round, spec, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // What was done before the failure stays exact and is used.
            _observer.Error($"round {round.Id}: scoring its updates early failed ({e.Message}); validation will score them", e);
            _earlyFailed.Add(EarlyRound.KeyOf(round));
        }
    }

    /// <summary>Drops skip marks of rounds no longer validating, so the table does not grow with the job count.</summary>
    private void ForgetFinished(IReadOnlyList<RoundView> validating)
    {
        var current = validating.Select(r => $"{r.Id}#{r.Attempt}").ToHashSet(StringComparer.Ordinal);
        foreach (var attempt in _skipUntil.Keys.Where(k => !current.Contains(k)).ToList())
            _skipUntil.Remove(attempt);
    }

    private async Task ValidateAsync(SwarmClient client, ValidatorRetry retry, RoundValidation validation, RoundView round, CancellationToken cancellation)
    {
        var attempt = $"{round.Id}#{round.Attempt}";
        var now = DateTimeOffset.UtcNow;
        if (_skipUntil.TryGetValue(attempt, out var until) && until > now)
            return;
        // One span per round attempt in the round's trace: taking it, fetching, scoring, replaying, posting the result.
        using var span = RoundTrace.Start(ValidatorTelemetry.Source, "validator round", round.Id, round.JobId, round.Attempt);
        var started = Stopwatch.GetTimestamp();
        ValidationTask task;
        try
        {
            task = await retry.RunAsync($"taking round {round.Id}", c => client.TakeValidationAsync(round.Id, c), cancellation);
        }
        catch (SwarmApiException e) when (e.Status == HttpStatusCode.Conflict)
        {
            // Another validator holds it: this poll did nothing worth a span, so it is not exported.
            if (span is not null)
                span.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            return;
        }
        catch (SwarmApiException e)
        {
            _observer.Error($"round {round.Id}: the coordinator refused to hand it over: {e.Message}", e);
            _skipUntil[attempt] = now + RetryFailedRoundAfter;
            return;
        }
        _observer.RoundTaken(task);
        try
        {
            _observer.ResultPosted(await validation.RunAsync(task, cancellation));
            ValidatorTelemetry.RoundValidated(Stopwatch.GetElapsedTime(started));
            _skipUntil.Remove(attempt);
        }
        catch (UnsupportedDatasetException e)
        {
            // No other outcome is possible in this process, so the round is never taken again here.
            _observer.Error($"round {round.Id}: {e.Message}; posting no result", e);
            _skipUntil[attempt] = DateTimeOffset.MaxValue;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            _observer.Error($"round {round.Id}: validation failed: {e.Message}", e);
            _skipUntil[attempt] = DateTimeOffset.UtcNow + RetryFailedRoundAfter;
        }
    }
}
