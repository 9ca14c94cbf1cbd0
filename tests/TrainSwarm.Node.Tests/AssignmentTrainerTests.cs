using TrainSwarm.Daemons;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node.Tests;

/// <summary>
/// The shared "train one assignment and deliver it" piece: local steps with epochs and max batches, the receipt they
/// produce (still replayable from base, shard, seed and steps), and a mapped dataset named in the delivered receipt.
/// </summary>
[Collection(CoordinatorCollection.Name)]
public sealed class AssignmentTrainerTests(CoordinatorFixture swarm)
{
    private const string FashionMnistDir = "/usr/share/datasets/fashion-mnist";

    private static readonly JobSpec Spec = new()
    {
        Name = "trainer", Model = "mlp", Dataset = "fashion-mnist", Rounds = 1, MinNodes = 1, MaxNodes = 2, InnerSteps = 5, BatchSize = 8,
        TrainSamples = 200, Seed = 3, CommitEvery = 4, OpenSeconds = 3600, TrainSeconds = 3600, ValidateSeconds = 3600,
    };

    private static readonly Assignment Held = new("j0000000000aa-r0", "j0000000000aa", 0, 1, 1, 1, 2, 42, new string('b', 64), Spec,
        DateTimeOffset.UtcNow.AddHours(1));

    private static NodeOptions Options(int epochs = 1, int? maxBatches = null) => new()
    {
        Coordinator = new Uri("http://127.0.0.1:9"), KeyPath = "unused.pem", Datasets = ["digits"], Epochs = epochs, MaxBatches = maxBatches,
        DatasetMappings = new Dictionary<string, string> { ["fashion-mnist"] = "digits" },
        DatasetPaths = new Dictionary<string, string> { ["digits"] = FashionMnistDir },
    };

    private static AssignmentTrainer Trainer(NodeOptions options, RecordingObserver? observer = null) =>
        new(options, new DatasetCache(null, false, paths: options.DatasetPaths), observer ?? new RecordingObserver());

    private static byte[] BaseWeights() => ModuleWeights.ToBytes(ModelPresets.Create("mlp", 11));

    [Theory]
    [InlineData(1, null, 5, new[] { 4, 5 })]
    [InlineData(3, null, 15, new[] { 4, 8, 12, 15 })]
    [InlineData(3, 6, 6, new[] { 4, 6 })]
    [InlineData(1, 2, 2, new[] { 2 })]
    public async Task Epochs_and_max_batches_set_the_steps_the_receipt_counts(int epochs, int? maxBatches, int steps, int[] committedAt)
    {
        var observer = new RecordingObserver();
        var local = await Trainer(Options(epochs, maxBatches), observer).TrainAsync(BaseWeights(), Held, "digits", CancellationToken.None);
        var receipt = AssignmentTrainer.Receipt(Held, "ts1node", local, new string('c', 64), "f32");

        Assert.Equal((steps, steps * 8L, steps), (receipt.Steps, receipt.Samples, receipt.LossCurve.Count));
        Assert.Equal(committedAt, receipt.Commitments.Select(c => c.Step));
        Assert.Equal(("digits", 42UL, 1, 2), (receipt.DatasetUsed, receipt.Seed, receipt.ShardIndex, receipt.ShardCount));
        // TrainSamples (200) of the pool left after the holdout, split in two shards of 100.
        Assert.Equal(100, local.ShardSamples);
        Assert.Equal($"started {steps} steps on 100 samples of digits", Assert.Single(observer.Lines, l => l.StartsWith("started", StringComparison.Ordinal)));
        Assert.Equal(steps, observer.Steps);
        Assert.Equal(steps, observer.Progress.Last());
    }

    [Fact]
    public async Task A_receipt_with_more_steps_than_H_replays_to_the_same_commitments()
    {
        var weights = BaseWeights();
        var local = await Trainer(Options(epochs: 2)).TrainAsync(weights, Held, "digits", CancellationToken.None);
        var data = FashionMnist.LoadTrain(FashionMnistDir);
        var split = new DataSplit(data.Count, Spec.HoldoutFraction, Spec.TrainSamples, Spec.Seed);
        var shard = data.Gather(split.Shard(Held.ShardIndex, Held.ShardCount));

        var replay = RoundTrainer.Train(weights, RoundTrainingSpecs.For(Spec, local.Result.Steps), shard, Held.Seed);
        Assert.Equal(local.Result.Commitments, replay.Commitments);
        Assert.Equal(local.Result.LossCurve, replay.LossCurve);
        // A partial replay of the first 4 steps matches the first commitment.
        var partial = RoundTrainer.Train(weights, RoundTrainingSpecs.For(Spec, local.Result.Steps), shard, Held.Seed, stopAfter: 4);
        Assert.Equal(local.Result.Commitments[0], Assert.Single(partial.Commitments));
    }

    [Fact]
    public async Task A_dataset_the_node_cannot_load_is_untrainable_with_the_reason()
    {
        var options = Options() with { DatasetPaths = new Dictionary<string, string>() };
        using var key = ActorKey.Generate();
        using var client = swarm.Client(key);
        var e = await Assert.ThrowsAsync<UntrainableAssignmentException>(() => Trainer(options).RunAsync(client, key, Held, CancellationToken.None));
        Assert.Equal("dataset 'fashion-mnist' is mapped to 'digits', which this node cannot load (give 'digits' a path)", e.Message);
    }

    [Fact]
    public async Task A_mapped_round_is_delivered_with_the_local_dataset_in_its_receipt()
    {
        var (creator, _) = await swarm.FundedKeyFileAsync(50_000_000);
        using var creatorKey = ActorKey.Load(creator);
        using var creatorClient = swarm.Client(creatorKey);
        var job = await creatorClient.SubmitJobAsync(Spec with { Name = "mapped", MaxNodes = 1 });
        var (nodePath, _) = await swarm.FundedKeyFileAsync(5_000_000, "node");
        using var node = ActorKey.Load(nodePath);
        using var client = swarm.Client(node);
        // Registered as the daemon would: the mapped name is listed, or the coordinator would refuse the join.
        await client.RegisterNodeAsync("mapped", MachineProbe.Hardware(), new Benchmark("mlp", 1000),
            DatasetResolution.Registered(["digits"], Options().DatasetMappings, n => n is "digits" or "fashion-mnist"));
        var assignment = await client.JoinAsync($"{job.Id}-r0");

        var observer = new RecordingObserver();
        var delivered = await Trainer(Options(maxBatches: 3), observer).RunAsync(client, node, assignment, CancellationToken.None);

        Assert.Equal(("digits", 3, 24L), (delivered.Receipt.DatasetUsed, delivered.Receipt.Steps, delivered.Receipt.Samples));
        Assert.Contains("mapped fashion-mnist to digits", observer.Lines);
        var stored = Assert.Single(await client.RoundUpdatesAsync(assignment.RoundId));
        Assert.Equal(SwarmJson.Serialize(delivered.Receipt), SwarmJson.Serialize(stored.Receipt));
        Assert.Equal((node.Address, delivered.Receipt.UpdateBlob), (delivered.Ack.Node, delivered.Ack.UpdateBlob));
        Assert.Equal(delivered.UpdateBytes, (await client.GetBlobAsync(delivered.Ack.UpdateBlob)).Length);
        await creatorClient.CancelJobAsync(job.Id);
    }

    [Fact]
    public async Task A_subclass_decides_what_is_delivered_and_a_receipt_naming_another_blob_is_never_submitted()
    {
        var (creator, _) = await swarm.FundedKeyFileAsync(50_000_000);
        using var creatorKey = ActorKey.Load(creator);
        using var creatorClient = swarm.Client(creatorKey);
        var job = await creatorClient.SubmitJobAsync(Spec with { Name = "subclass", MaxNodes = 1 });
        var (nodePath, _) = await swarm.FundedKeyFileAsync(5_000_000, "node");
        using var node = ActorKey.Load(nodePath);
        using var client = swarm.Client(node);
        await client.RegisterNodeAsync("subclass", MachineProbe.Hardware(), new Benchmark("mlp", 1000),
            DatasetResolution.Registered(["digits"], Options().DatasetMappings, n => n is "digits" or "fashion-mnist"));
        var assignment = await client.JoinAsync($"{job.Id}-r0");
        var options = Options();

        // A receipt that does not name the uploaded delta is caught before anything is submitted.
        var liar = new ShardShifter(options, new DatasetCache(null, false, paths: options.DatasetPaths), new RecordingObserver(), wrongBlob: true);
        await Assert.ThrowsAsync<InvalidOperationException>(() => liar.RunAsync(client, node, assignment, CancellationToken.None));
        Assert.Empty(await client.RoundUpdatesAsync(assignment.RoundId));

        // Trained on the other shard, the receipt still says the assigned one: what the subclass prepared is what arrives.
        var shifter = new ShardShifter(options, new DatasetCache(null, false, paths: options.DatasetPaths), new RecordingObserver(), wrongBlob: false);
        var delivered = await shifter.RunAsync(client, node, assignment, CancellationToken.None);
        var stored = Assert.Single(await client.RoundUpdatesAsync(assignment.RoundId));
        Assert.Equal(SwarmJson.Serialize(delivered.Receipt), SwarmJson.Serialize(stored.Receipt));
        Assert.Equal((assignment.ShardIndex, 1), (stored.Receipt.ShardIndex, shifter.TrainedShard));
        await creatorClient.CancelJobAsync(job.Id);
    }

    /// <summary>Trains the shard after its own (of at least two) through the protected helpers; the receipt names the assigned one.</summary>
    private sealed class ShardShifter(NodeOptions options, DatasetCache datasets, INodeObserver observer, bool wrongBlob)
        : AssignmentTrainer(options, datasets, observer)
    {
        public int TrainedShard { get; private set; } = -1;

        protected override async Task<PreparedUpdate> PrepareAsync(
            Client.SwarmClient client, string node, Assignment assignment, byte[] baseModel, string dataset, CancellationToken cancellation)
        {
            TrainedShard = (assignment.ShardIndex + 1) % Math.Max(2, assignment.ShardCount);
            var shard = await ShardAsync(assignment with { ShardCount = Math.Max(2, assignment.ShardCount) }, dataset, TrainedShard, cancellation);
            var result = await TrainShardAsync(baseModel, assignment, shard, 2, cancellation);
            var update = DeltaCodec.Encode(result.Delta, "f32");
            var blob = wrongBlob ? new string('d', 64) : Protocol.Blobs.BlobId.Of(update);
            return new PreparedUpdate(update, result.Checkpoints ?? [], Receipt(assignment, node, new LocalUpdate(dataset, shard.Count, result), blob, "f32"));
        }
    }
}

/// <summary>Keeps what a node reports, as short lines (thread-safe: training reports from a pool thread).</summary>
internal sealed class RecordingObserver : INodeObserver
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<int> _progress = [];
    private int _steps, _polls;

    public IReadOnlyList<string> Lines { get { lock (_lock) return [.. _lines]; } }

    public IReadOnlyList<int> Progress { get { lock (_lock) return [.. _progress]; } }

    public int Steps { get { lock (_lock) return _steps; } }

    /// <summary>Polls of the coordinator the daemon finished, so a test can wait for "several polls later" by count, not by time.</summary>
    public int Polls { get { lock (_lock) return _polls; } }

    public void Polled(int failures)
    {
        lock (_lock)
            _polls++;
    }

    private void Add(string line)
    {
        lock (_lock)
            _lines.Add(line);
    }

    public void DatasetMapped(string roundId, string requested, string local) => Add($"mapped {requested} to {local}");

    public void TrainingStarted(Assignment assignment, string dataset, int shardSamples, int steps) =>
        Add($"started {steps} steps on {shardSamples} samples of {dataset}");

    public void TrainingStep(string roundId, int step, int steps, float loss, double samplesPerSecond)
    {
        lock (_lock)
            _steps++;
    }

    public void TrainingProgress(string roundId, int step, int steps, float loss, double samplesPerSecond)
    {
        lock (_lock)
            _progress.Add(step);
    }

    public void Joined(Assignment assignment, bool resumed) => Add($"joined {assignment.RoundId}");

    public void AwaitingManualTraining(Assignment assignment) => Add($"held {assignment.RoundId}");

    public void Skipped(string? roundId, string reason) => Add($"skipped {roundId ?? "-"}: {reason}");

    public void StakeAboveMaximum(long stake, long maxStake) => Add($"stake {stake} above {maxStake}");

    public void Registered(NodeView node) => Add($"registered {string.Join(",", node.Datasets)}");

    public void Submitted(TrainingReceipt receipt, UpdateAck ack) => Add($"submitted {receipt.RoundId}");

    public void Error(string? roundId, string message) => Add($"error {roundId ?? "-"}: {message}");

    public void Info(string? roundId, string message) => Add($"info {roundId ?? "-"}: {message}");

    public void RoundSeen(RoundView round) => Add($"seen {round.Id}");

    public void Stopped() => Add("stopped");
}
