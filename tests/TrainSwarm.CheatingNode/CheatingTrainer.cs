using System.Security.Cryptography;
using TrainSwarm.Client;
using TrainSwarm.Daemons;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Node;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.CheatingNode;

/// <summary>
/// The node's own trainer with <see cref="AssignmentTrainer.PrepareAsync"/> replaced by one <see cref="Cheat"/>. Everything
/// else (joining, staking, uploading, signing, claiming) is the real daemon's, so the network sees an ordinary node.
/// </summary>
public sealed class CheatingTrainer(Cheat cheat, NodeOptions options, DatasetCache datasets, INodeObserver observer, TimeProvider clock)
    : AssignmentTrainer(options, datasets, observer, clock)
{
    /// <summary>The share of its steps a <see cref="Cheat.Skip"/> node really trains.</summary>
    public const double SkipTrainedShare = 0.8;

    /// <inheritdoc />
    protected override async Task<PreparedUpdate> PrepareAsync(
        SwarmClient client, string node, Assignment assignment, byte[] baseModel, string dataset, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(assignment);
        switch (cheat)
        {
            case Cheat.Zero:
            {
                var zeros = SafeTensorsReader.Read(baseModel).Tensors.Select(t => NamedArray.F32(t.Name, new float[t.ElementCount], [.. t.Shape])).ToList();
                return Claimed(assignment, node, dataset, DeltaCodec.Encode(zeros, "f32"));
            }
            case Cheat.Copy:
                return Claimed(assignment, node, dataset, await CopyAsync(client, node, assignment, cancellation).ConfigureAwait(false));
            case Cheat.Skip:
                return await SkipAsync(node, assignment, baseModel, dataset, cancellation).ConfigureAwait(false);
            case Cheat.WrongShard:
            {
                var other = (assignment.ShardIndex + 1) % assignment.ShardCount;
                var shard = await ShardAsync(assignment, dataset, other, cancellation).ConfigureAwait(false);
                var result = await TrainShardAsync(baseModel, assignment, shard, assignment.Spec.InnerSteps, cancellation).ConfigureAwait(false);
                return Honest(assignment, node, new LocalUpdate(dataset, shard.Count, result), receipt => receipt);
            }
            case Cheat.LieSamples:
            {
                var local = await TrainAsync(baseModel, assignment, dataset, cancellation).ConfigureAwait(false);
                return Honest(assignment, node, local, receipt => receipt with { Samples = receipt.Samples * 2 });
            }
            case Cheat.LowerReturn:
                return await LowerReturnAsync(node, assignment, baseModel, cancellation).ConfigureAwait(false);
            case Cheat.WithholdState:
            {
                // The daemon keeps (and answers from) only what it is handed: the last state, which goes up with the update anyway.
                var local = await TrainAsync(baseModel, assignment, dataset, cancellation).ConfigureAwait(false);
                var honest = Honest(assignment, node, local, receipt => receipt);
                return honest with { Checkpoints = honest.Checkpoints.Count == 0 ? [] : [honest.Checkpoints[^1]] };
            }
            case Cheat.ForeignDevice:
            {
                var local = await TrainAsync(baseModel, assignment, dataset, cancellation).ConfigureAwait(false);
                return Honest(assignment, node, local, receipt => receipt with { Device = Cheats.ForeignDevice });
            }
            default:
                throw new InvalidOperationException($"unknown cheat {cheat}");
        }
    }

    // A trained update delivered as trained, except for what the receipt is made to say.
    private PreparedUpdate Honest(Assignment assignment, string node, LocalUpdate local, Func<TrainingReceipt, TrainingReceipt> lie)
    {
        var update = DeltaCodec.Encode(local.Result.Delta, Options.Encoding);
        var receipt = lie(Receipt(assignment, node, local, BlobId.Of(update), Options.Encoding));
        return new PreparedUpdate(update, local.Result.Checkpoints ?? [], receipt);
    }

    // An update nobody trained, with a receipt claiming a full round: H steps, H × batch samples, invented commitments.
    private static PreparedUpdate Claimed(Assignment assignment, string node, string dataset, byte[] update)
    {
        var spec = assignment.Spec;
        var commitments = ReplaySchedule(spec, spec.InnerSteps).Select(step => new Commitment(step, RandomHex(), RandomHex())).ToList();
        var receipt = new TrainingReceipt(
            assignment.JobId, assignment.RoundId, assignment.Attempt, node, assignment.BaseModel, assignment.ShardIndex, assignment.ShardCount,
            assignment.Seed, spec.InnerSteps, (long)spec.InnerSteps * spec.BatchSize, Enumerable.Repeat(0.5f, spec.InnerSteps).ToList(), 1.0,
            commitments, BlobId.Of(update), "f32", dataset);
        return new PreparedUpdate(update, [], receipt);
    }

    /// <summary>
    /// Another participant's update bytes, once it delivered: preferably one that joined after this node (so the copy
    /// comes first in the validator's task, as a copier would arrange), never an all-zero one.
    /// </summary>
    private async Task<byte[]> CopyAsync(SwarmClient client, string node, Assignment assignment, CancellationToken cancellation)
    {
        var giveUpAt = DateTimeOffset.UtcNow + (assignment.TrainDeadline - DateTimeOffset.UtcNow) / 2;
        while (true)
        {
            var round = await RetryAsync(c => client.RoundAsync(assignment.RoundId, c), "read the round", assignment, cancellation).ConfigureAwait(false);
            var me = round.Participants.Single(p => p.Node == node);
            var others = round.Participants.Where(p => p.Node != node).ToList();
            var everyoneDelivered = others.All(p => p.UpdateBlob is not null);
            if (everyoneDelivered || DateTimeOffset.UtcNow > giveUpAt)
            {
                foreach (var p in others.Where(p => p.UpdateBlob is not null).OrderByDescending(p => p.Slot > me.Slot).ThenByDescending(p => p.Slot))
                {
                    var bytes = await RetryAsync(c => client.GetBlobAsync(p.UpdateBlob!, c), "download an update to copy", assignment, cancellation)
                        .ConfigureAwait(false);
                    if (DeltaCodec.Decode(bytes, out var encoding).Any(t => t.AsF32().Any(v => v != 0)) && encoding == "f32")
                        return bytes;
                }
                if (DateTimeOffset.UtcNow > giveUpAt)
                    throw new UntrainableAssignmentException("no other node's update to copy");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Trains the first 80% of the steps on the right shard and stops: the commitments up to there are true, every later
    /// one repeats the last trained state (so the chain's end still matches the uploaded delta), and the loss curve is padded.
    /// </summary>
    private async Task<PreparedUpdate> SkipAsync(string node, Assignment assignment, byte[] baseModel, string dataset, CancellationToken cancellation)
    {
        var spec = assignment.Spec;
        var steps = spec.InnerSteps;
        var trained = Math.Max(1, (int)(steps * SkipTrainedShare));
        var shard = await ShardAsync(assignment, dataset, assignment.ShardIndex, cancellation).ConfigureAwait(false);
        // A run of `trained` steps commits on the same schedule up to there, and always at its own last step.
        var result = await TrainShardAsync(baseModel, assignment, shard, trained, cancellation).ConfigureAwait(false);
        var last = result.Commitments[^1];
        var commitments = ReplaySchedule(spec, steps)
            .Select(step => step <= trained && result.Commitments.FirstOrDefault(c => c.Step == step) is { } real
                ? new Commitment(step, real.Sha256, real.State)
                : new Commitment(step, last.Sha256, last.State))
            .ToList();
        var update = DeltaCodec.Encode(result.Delta, Options.Encoding);
        var losses = result.LossCurve.Concat(Enumerable.Repeat(result.LossCurve[^1], steps - trained)).ToList();
        var receipt = new TrainingReceipt(
            assignment.JobId, assignment.RoundId, assignment.Attempt, node, assignment.BaseModel, assignment.ShardIndex, assignment.ShardCount,
            assignment.Seed, steps, (long)steps * result.BatchSize, losses, result.ComputeSeconds / SkipTrainedShare, commitments, BlobId.Of(update),
            Options.Encoding, dataset);
        return new PreparedUpdate(update, result.Checkpoints ?? [], receipt);
    }

    // The honest rl round, delivered as base − Δ: the final weights, the last commitment and the uploaded delta all agree with that.
    private async Task<PreparedUpdate> LowerReturnAsync(string node, Assignment assignment, byte[] baseModel, CancellationToken cancellation)
    {
        if (!assignment.Spec.IsRl)
            throw new UntrainableAssignmentException("lower-return cheats on rl jobs only");
        var (_, result) = await RlUpdates.PrepareAsync(assignment, node, baseModel, Options.Encoding, new NullObserver(), cancellation).ConfigureAwait(false);
        var baseWeights = SafeTensorsReader.Read(baseModel).Tensors;
        var delta = result.Delta.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var flipped = baseWeights.Select(b =>
        {
            var values = b.AsF32().ToArray();
            var d = delta[b.Name].AsF32();
            for (var i = 0; i < values.Length; i++)
                values[i] -= d[i];
            return NamedArray.F32(b.Name, values, [.. b.Shape]);
        }).ToList();
        var final = SafeTensorsWriter.ToBytes(flipped);
        var update = DeltaCodec.Encode(DeltaCodec.Difference(flipped, baseWeights), Options.Encoding);
        var commitments = result.Commitments.Take(result.Commitments.Count - 1).Append(new WeightCommitment(result.Commitments[^1].Step, BlobId.Of(final)))
            .ToList();
        var receipt = RlUpdates.Receipt(assignment, node, result with { Commitments = commitments }, BlobId.Of(update), Options.Encoding, BlobId.Of(final));
        return new PreparedUpdate(update, [final], receipt);
    }

    private sealed class NullObserver : INodeObserver;

    // The commitment steps an honest run of `steps` makes (the validator checks the schedule first).
    private static List<int> ReplaySchedule(JobSpec spec, int steps)
    {
        var schedule = new List<int>();
        for (var s = spec.CommitInterval; s < steps; s += spec.CommitInterval)
            schedule.Add(s);
        schedule.Add(steps);
        return schedule;
    }

    private static string RandomHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
