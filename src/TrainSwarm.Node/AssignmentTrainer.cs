using System.Diagnostics;
using TrainSwarm.Client;
using TrainSwarm.Daemons;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Tracing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>A held round this node cannot (or will not) deliver an update for; the message says why, in one line.</summary>
public sealed class UntrainableAssignmentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What local training produced for an assignment, before anything is uploaded.</summary>
/// <param name="Dataset">The local dataset trained on (the mapped one when a mapping applied).</param>
/// <param name="ShardSamples">Samples in this node's shard.</param>
/// <param name="ShardBlobs">For an uploaded dataset, the shard blobs trained on (the receipt names them); null for a named dataset.</param>
/// <param name="Device">The device kind that trained (the receipt's <c>Device</c>); null: not recorded.</param>
public sealed record LocalUpdate(string Dataset, int ShardSamples, RoundTrainingResult Result, IReadOnlyList<string>? ShardBlobs = null,
    string? Device = null);

/// <summary>An update ready to deliver: the encoded delta, the training states its receipt commits to, and the receipt itself.</summary>
/// <param name="Update">The encoded delta; the receipt's <c>UpdateBlob</c> must be its blob id.</param>
/// <param name="Checkpoints">
/// The <see cref="RoundCheckpoint"/> blobs the receipt's commitments name, in commitment order: the last is uploaded before
/// the receipt, the others are kept for validators' requests (see <see cref="NodeOptions.StateDirectory"/>).
/// </param>
public sealed record PreparedUpdate(byte[] Update, IReadOnlyList<byte[]> Checkpoints, TrainingReceipt Receipt);

/// <summary>An update the coordinator acknowledged: the signed receipt, the ack and the size of the uploaded delta.</summary>
public sealed record DeliveredUpdate(TrainingReceipt Receipt, UpdateAck Ack, long UpdateBytes);

/// <summary>
/// Trains one assignment and delivers it: resolves the dataset (following a mapping), downloads the base model, trains
/// this node's shard for the round's H steps × <see cref="NodeOptions.Epochs"/> (capped at <see cref="NodeOptions.MaxBatches"/>),
/// uploads the delta and submits the signed receipt. The node daemon and `swarm round train` both use it, so a round
/// trained by hand is trained exactly as the daemon would. What is delivered comes from <see cref="PrepareAsync"/>, the
/// one place a subclass changes the work (the end-to-end tests' cheating nodes do; the product never subclasses it).
/// </summary>
public class AssignmentTrainer
{
    private readonly NodeOptions _options;
    private readonly DatasetCache _datasets;
    private readonly INodeObserver _observer;
    private readonly TimeProvider _clock;

    /// <summary>A trainer with <paramref name="options"/>' dataset, epoch, batch and encoding settings.</summary>
    public AssignmentTrainer(NodeOptions options, DatasetCache datasets, INodeObserver observer, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentNullException.ThrowIfNull(observer);
        _options = options;
        _datasets = datasets;
        _observer = observer;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// Trains <paramref name="assignment"/> and delivers the update signed by <paramref name="key"/>. Network operations
    /// are retried through passing failures (never past the round's training deadline).
    /// </summary>
    /// <exception cref="UntrainableAssignmentException">The dataset cannot be had, or training diverged.</exception>
    /// <exception cref="SwarmApiException">The coordinator's final refusal (e.g. 409: the round moved on).</exception>
    public async Task<DeliveredUpdate> RunAsync(SwarmClient client, ActorKey key, Assignment assignment, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(assignment);
        var roundId = assignment.RoundId;
        // One span per assignment in the round's trace; the requests below carry it (traceparent) to the coordinator.
        using var span = RoundTrace.Start(NodeTelemetry.Source, "node round", roundId, assignment.JobId, assignment.Attempt);
        span?.SetTag(RoundTrace.NodeTag, key.Address);
        // An rl round needs no dataset: the node collects its own experience in the job's environment; an lm round reads its
        // named corpus (LmUpdates).
        var local = assignment.Spec.IsRl ? assignment.Spec.RlSettings.Environment
            : assignment.Spec.IsLm ? assignment.Spec.LmSettings.Corpus
            : assignment.Spec.IsGrpo ? GrpoJobSpecRules.TaskName(assignment.Spec.GrpoSettings.Digits) : ResolveDataset(assignment);

        var baseModel = await RetryAsync(c => client.GetBlobAsync(assignment.BaseModel, c), "download the base model", assignment, cancellation)
            .ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        PreparedUpdate prepared;
        using (NodeTelemetry.Source.StartActivity("node train"))
            prepared = await PrepareAsync(client, key.Address, assignment, baseModel, local, cancellation).ConfigureAwait(false);
        NodeTelemetry.Trained(Stopwatch.GetElapsedTime(started));
        using var upload = NodeTelemetry.Source.StartActivity("node upload");

        // A validator resumes a replayed segment from the state committed before it and checks the chain's end against
        // the last one; the receipt's state hashes are their blob ids. The last state goes up with the update. The others
        // are kept on disk and uploaded only when a validator requests them (StateServer), unless no daemon will be
        // there to answer (a round trained by hand): then all go up now.
        var checkpoints = prepared.Checkpoints;
        if (_options.StateDirectory is { } directory && checkpoints.Count > 0)
        {
            new CheckpointStore(directory, key.Address).Save(roundId, assignment.Attempt, checkpoints);
            checkpoints = [checkpoints[^1]];
        }
        foreach (var checkpoint in checkpoints)
            await RetryAsync(c => client.PutBlobAsync(checkpoint, c), "upload a checkpoint", assignment, cancellation).ConfigureAwait(false);

        var update = prepared.Update;
        _observer.Uploading(roundId, prepared.Receipt.UpdateBlob, update.Length);
        var blob = await RetryAsync(c => client.PutBlobAsync(update, c), "upload the update", assignment, cancellation).ConfigureAwait(false);
        if (blob != prepared.Receipt.UpdateBlob)
            throw new InvalidOperationException($"the receipt names update {prepared.Receipt.UpdateBlob}, the uploaded delta is {blob}");
        _observer.Uploaded(roundId, blob, update.Length);

        var receipt = prepared.Receipt;
        var submission = new UpdateSubmission(receipt, DocumentSignature.Sign(key, receipt));
        var ack = await RetryAsync(c => client.SubmitUpdateAsync(roundId, submission, c), "submit the update", assignment, cancellation).ConfigureAwait(false);
        _observer.Submitted(receipt, ack);
        NodeTelemetry.Uploaded(update.Length);
        return new DeliveredUpdate(receipt, ack, update.Length);
    }

    // The local dataset that serves the assignment's (following a mapping), or the reason none does.
    private string ResolveDataset(Assignment assignment)
    {
        var choice = DatasetResolution.Resolve(assignment.Spec.Dataset, _options, _datasets);
        if (!choice.Trainable)
            throw new UntrainableAssignmentException(choice.Reason!);
        if (choice.Mapped)
            _observer.DatasetMapped(assignment.RoundId, choice.Requested, choice.Local!);
        return choice.Local!;
    }

    /// <summary>
    /// The update <paramref name="node"/> delivers for <paramref name="assignment"/>, trained from <paramref name="baseModel"/>
    /// on <paramref name="dataset"/> (a local name): an honest node trains its shard (<see cref="TrainAsync"/>), encodes the
    /// delta with <see cref="NodeOptions.Encoding"/> and states exactly that work in the receipt.
    /// </summary>
    protected virtual async Task<PreparedUpdate> PrepareAsync(
        SwarmClient client, string node, Assignment assignment, byte[] baseModel, string dataset, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (assignment.Spec.IsRl)
            return (await RlUpdates.PrepareAsync(assignment, node, baseModel, _options.Encoding, _observer, cancellation).ConfigureAwait(false)).Update;
        if (assignment.Spec.IsGrpo)
            return await GrpoUpdates.PrepareAsync(assignment, node, baseModel, _options.Encoding, _observer, cancellation).ConfigureAwait(false);
        if (assignment.Spec.IsLm)
        {
            // An uploaded corpus's shards come over the network: passing failures are retried, as every download of a round.
            var shard = await RetryAsync(c => LmUpdates.ShardAsync(assignment, _datasets.Uploaded, c), "downloading its shards", assignment, cancellation)
                .ConfigureAwait(false);
            return await LmUpdates.PrepareAsync(assignment, node, baseModel, _options.Encoding, _observer, shard, cancellation).ConfigureAwait(false);
        }
        var local = await TrainAsync(baseModel, assignment, dataset, cancellation).ConfigureAwait(false);
        var update = DeltaCodec.Encode(local.Result.Delta, _options.Encoding);
        return new PreparedUpdate(update, local.Result.Checkpoints ?? [], Receipt(assignment, node, local, BlobId.Of(update), _options.Encoding));
    }

    /// <summary>The options this trainer runs with.</summary>
    protected NodeOptions Options => _options;

    /// <summary>
    /// Trains <paramref name="assignment"/>'s shard of <paramref name="dataset"/> (a local name) from
    /// <paramref name="baseModel"/> (safetensors bytes), on a pool thread; reports progress to the observer.
    /// </summary>
    /// <exception cref="UntrainableAssignmentException">The dataset cannot be loaded, or the loss became NaN or infinite.</exception>
    public async Task<LocalUpdate> TrainAsync(byte[] baseModel, Assignment assignment, string dataset, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(assignment);
        var (shard, blobs) = DatasetIds.IsValid(dataset)
            ? await UploadedShardAsync(dataset, assignment, cancellation).ConfigureAwait(false)
            : (await ShardAsync(assignment, dataset, assignment.ShardIndex, cancellation).ConfigureAwait(false), null);
        var steps = RoundTrainingSpecs.LocalSteps(assignment.Spec.InnerSteps, _options.Epochs, _options.MaxBatches);
        _observer.TrainingStarted(assignment, dataset, shard.Count, steps);
        var trained = await TrainShardOnDeviceAsync(baseModel, assignment, shard, steps, cancellation).ConfigureAwait(false);
        return new LocalUpdate(dataset, shard.Count, trained.Result, blobs, trained.Device);
    }

    /// <summary>
    /// The slot's shards of an uploaded dataset, downloaded from the coordinator (only these: never the holdout, never another
    /// slot's), with their blob ids. The split was cut once at upload, so the spec's holdout fraction and sample limit do not apply.
    /// </summary>
    private async Task<(LabeledImages, IReadOnlyList<string>?)> UploadedShardAsync(string dataset, Assignment assignment, CancellationToken cancellation)
    {
        var uploaded = _datasets.Uploaded ?? throw new UntrainableAssignmentException($"dataset '{dataset}' is an upload, and this node fetches none");
        try
        {
            var (data, blobs) = await RetryAsync(c => uploaded.SlotAsync(dataset, assignment.ShardIndex, assignment.ShardCount, c),
                "downloading its shards", assignment, cancellation).ConfigureAwait(false);
            return (data, blobs);
        }
        catch (Exception e) when (e is DataFormatException or InvalidDataException)
        {
            throw new UntrainableAssignmentException($"dataset '{dataset}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Shard <paramref name="shardIndex"/> of <paramref name="assignment"/>'s split of <paramref name="dataset"/> (a local
    /// name): the split every node and validator derives from the job alone, whatever local copy fills it.
    /// </summary>
    /// <exception cref="UntrainableAssignmentException">The dataset cannot be loaded, or the shard is empty.</exception>
    protected async Task<LabeledImages> ShardAsync(Assignment assignment, string dataset, int shardIndex, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var spec = assignment.Spec;
        LabeledImages data;
        try
        {
            data = await _datasets.GetAsync(dataset, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotSupportedException or FileNotFoundException or DirectoryNotFoundException or DataFormatException
                                      or InvalidDataException or IOException or UnauthorizedAccessException or HttpRequestException)
        {
            throw new UntrainableAssignmentException($"dataset '{dataset}' is not available: {e.Message}", e);
        }
        var split = new DataSplit(data.Count, spec.HoldoutFraction, spec.TrainSamples, spec.Seed, spec.FirstSamples);
        var shard = data.Gather(split.Shard(shardIndex, assignment.ShardCount));
        if (shard.Count == 0)
            throw new UntrainableAssignmentException($"shard {shardIndex + 1}/{assignment.ShardCount} of dataset '{dataset}' holds no samples");
        return shard;
    }

    /// <summary>
    /// Trains <paramref name="steps"/> steps of <paramref name="assignment"/>'s round on <paramref name="shard"/> from
    /// <paramref name="baseModel"/>, with the assignment's seed, on a pool thread; reports progress to the observer.
    /// </summary>
    /// <exception cref="UntrainableAssignmentException">The loss became NaN or infinite.</exception>
    protected async Task<RoundTrainingResult> TrainShardAsync(
        byte[] baseModel, Assignment assignment, LabeledImages shard, int steps, CancellationToken cancellation) =>
        (await TrainShardOnDeviceAsync(baseModel, assignment, shard, steps, cancellation).ConfigureAwait(false)).Result;

    /// <summary>
    /// <see cref="TrainShardAsync"/> on the node's GPU when it has one that can train the round (<see cref="RoundDevice"/>), else on the
    /// CPU engine; with the device kind that trained.
    /// </summary>
    protected async Task<DeviceTraining> TrainShardOnDeviceAsync(
        byte[] baseModel, Assignment assignment, LabeledImages shard, int steps, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var progress = new ProgressReporter(assignment.RoundId, _observer);
        // Training is synchronous CPU work with thread-bound tensor scopes: it gets a pool thread of its own.
        var trained = await Task.Run(() => RoundDevice.Train(_options.Gpu, baseModel, RoundTrainingSpecs.For(assignment.Spec, steps), shard,
            assignment.Seed, progress.OnStep, line => _observer.Info(assignment.RoundId, line), cancellation), cancellation).ConfigureAwait(false);
        // A diverged update would be rejected anyway, and a receipt cannot carry NaN in JSON.
        if (trained.Result.LossCurve.Any(l => !float.IsFinite(l)))
            throw new UntrainableAssignmentException("training diverged (the loss became NaN or infinite); no update sent");
        return trained;
    }

    /// <summary>The receipt stating <paramref name="local"/>'s work for <paramref name="assignment"/>, by <paramref name="node"/>.</summary>
    public static TrainingReceipt Receipt(Assignment assignment, string node, LocalUpdate local, string updateBlob, string encoding)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(local);
        var r = local.Result;
        return new TrainingReceipt(
            assignment.JobId, assignment.RoundId, assignment.Attempt, node, assignment.BaseModel, assignment.ShardIndex, assignment.ShardCount,
            assignment.Seed, r.Steps, r.Samples, r.LossCurve, r.ComputeSeconds,
            r.Commitments.Select(c => new Commitment(c.Step, c.Sha256, c.State)).ToList(), updateBlob, encoding, local.Dataset,
            ShardBlobs: local.ShardBlobs, Device: local.Device);
    }

    /// <summary>
    /// Runs a network operation of <paramref name="assignment"/>'s round, retried through passing failures for about
    /// <see cref="NodeOptions.RetryLimit"/> and never past the round's training deadline (the coordinator drops the node then anyway).
    /// </summary>
    protected Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> action, string operation, Assignment assignment, CancellationToken cancellation)
    {
        var limit = _clock.GetUtcNow() + _options.RetryLimit;
        var giveUpAt = assignment.TrainDeadline < limit ? assignment.TrainDeadline : limit;
        return NodeRetry.RunAsync(action, operation, assignment.RoundId, giveUpAt, _observer, _clock, cancellation);
    }
}
