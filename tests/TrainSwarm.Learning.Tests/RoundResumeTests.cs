using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Tests;

public class RoundResumeTests
{
    private static readonly string[] Layers = ["flatten", "linear(16,8)", "relu", "linear(8,2)"];

    private static LabeledImages Data(int count)
    {
        var rng = new Rng(3);
        var pixels = new float[count * 16];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = rng.NextInt(2);
            for (var p = 0; p < 16; p++)
                pixels[i * 16 + p] = rng.Uniform(0f, 1f) + labels[i] * (p % 2);
        }
        return new LabeledImages(pixels, labels, 1, 4, 4, 2);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Resuming_at_every_commitment_reproduces_the_full_runs_weights_and_state_bitwise(string optimizer)
    {
        // 10 samples in batches of 4: the 11 steps cross epochs, so the loader's seek must replay the reshuffles too.
        var spec = new RoundTrainingSpec("mlp", Layers, optimizer, 0.05, 0.9, 4, 11, 3);
        var data = Data(10);
        var baseWeights = ModuleWeights.ToBytes(ModelBuilder.Build("", Layers, 7));
        var full = RoundTrainer.Train(baseWeights, spec, data, seed: 9);
        Assert.Equal([3, 6, 9, 11], full.Commitments.Select(c => c.Step));
        Assert.All(full.Commitments, c => Assert.Equal(64, c.State!.Length));
        for (var i = 1; i < full.Commitments.Count; i++)
        {
            var from = full.Commitments[i - 1];
            var resumed = RoundTrainer.Resume(full.Checkpoints![i - 1], from.Step, spec, data, 9, full.Commitments[i].Step);
            Assert.Equal(full.Commitments[i], resumed.Commitments[^1]);
            Assert.Equal(full.Checkpoints[i], resumed.Checkpoints![^1]);
        }
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void A_replay_of_each_segment_from_the_parsed_base_or_state_makes_exactly_the_full_runs_commitments(string optimizer)
    {
        // The validator's replay keeps no weights or state bytes and streams the state hash; its commitments must not move.
        var spec = new RoundTrainingSpec("mlp", Layers, optimizer, 0.05, 0.9, 4, 11, 3);
        var data = Data(10);
        var baseWeights = ModuleWeights.ToBytes(ModelBuilder.Build("", Layers, 7));
        var full = RoundTrainer.Train(baseWeights, spec, data, seed: 9);
        for (var i = 0; i < full.Commitments.Count; i++)
        {
            var from = i == 0 ? 0 : full.Commitments[i - 1].Step;
            var start = SafeTensorsReader.Read(i == 0 ? baseWeights : full.Checkpoints![i - 1]);
            var replayed = RoundTrainer.Replay(start, from, spec, data, 9, full.Commitments[i].Step);
            Assert.Equal(full.Commitments[i], Assert.Single(replayed));
            Assert.Equal(RoundCheckpoint.Hash(full.Checkpoints![i]), replayed[0].State);
        }
        // Two segments in one replay commit twice, as the full run did.
        Assert.Equal(full.Commitments.Skip(1).Take(2), RoundTrainer.Replay(SafeTensorsReader.Read(full.Checkpoints![0]), 3, spec, data, 9, 9));
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void One_replayer_reused_across_segments_in_any_order_makes_exactly_the_full_runs_commitments(string optimizer)
    {
        // The validator keeps one replayer per round: a segment must not see what the one before it left behind (weights,
        // momentum or moments, Adam's step count, SGD's first-step flag, a half-used batch stream), in whatever order it comes.
        var spec = new RoundTrainingSpec("mlp", Layers, optimizer, 0.05, 0.9, 4, 11, 3);
        var data = Data(10);
        var baseWeights = ModuleWeights.ToBytes(ModelBuilder.Build("", Layers, 7));
        var full = RoundTrainer.Train(baseWeights, spec, data, seed: 9);
        var starts = Enumerable.Range(0, full.Commitments.Count)
            .Select(i => SafeTensorsReader.Read(i == 0 ? baseWeights : full.Checkpoints![i - 1])).ToList();
        var replayer = new RoundReplayer();
        foreach (var i in new[] { 2, 0, 3, 3, 1, 0, 2 })
        {
            var from = i == 0 ? 0 : full.Commitments[i - 1].Step;
            Assert.Equal(full.Commitments[i], Assert.Single(replayer.Replay(starts[i], from, spec, data, 9, full.Commitments[i].Step)));
        }
        // Another optimizer on the same replayer gets its own model and state, and its own run's commitments.
        var other = spec with { Optimizer = optimizer == "sgd" ? "adam" : "sgd" };
        var otherFull = RoundTrainer.Train(baseWeights, other, data, seed: 9);
        Assert.Equal(otherFull.Commitments[0], Assert.Single(replayer.Replay(starts[0], 0, other, data, 9, 3)));
        Assert.Equal(full.Commitments[1], Assert.Single(replayer.Replay(starts[1], 3, spec, data, 9, 6)));
    }

    [Fact]
    public void A_reused_replayer_after_a_faked_state_still_replays_the_honest_one_bitwise()
    {
        var spec = new RoundTrainingSpec("mlp", Layers, "sgd", 0.05, 0.9, 4, 6, 3);
        var data = Data(12);
        var full = RoundTrainer.Train(ModuleWeights.ToBytes(ModelBuilder.Build("", Layers, 7)), spec, data, seed: 2);
        var file = SafeTensorsReader.Read(full.Checkpoints![0]);
        var faked = file.Tensors.Select(t => t.Name.StartsWith(RoundCheckpoint.OptimizerPrefix, StringComparison.Ordinal)
            ? NamedArray.F32(t.Name, new float[t.ElementCount], [.. t.Shape]) : t).ToList();
        var replayer = new RoundReplayer();
        Assert.NotEqual(full.Commitments[1], replayer.Replay(SafeTensorsReader.Read(SafeTensorsWriter.ToBytes(faked)), 3, spec, data, 2, 6)[0]);
        Assert.Equal(full.Commitments[1], replayer.Replay(file, 3, spec, data, 2, 6)[0]);
    }

    [Fact]
    public void A_resume_from_a_state_with_another_momentum_buffer_misses_the_next_commitment()
    {
        var spec = new RoundTrainingSpec("mlp", Layers, "sgd", 0.05, 0.9, 4, 6, 3);
        var data = Data(12);
        var full = RoundTrainer.Train(ModuleWeights.ToBytes(ModelBuilder.Build("", Layers, 7)), spec, data, seed: 2);
        var file = SafeTensorsReader.Read(full.Checkpoints![0]);
        var faked = file.Tensors.Select(t => t.Name.StartsWith(RoundCheckpoint.OptimizerPrefix, StringComparison.Ordinal)
            ? NamedArray.F32(t.Name, new float[t.ElementCount], [.. t.Shape]) : t).ToList();
        var resumed = RoundTrainer.Resume(SafeTensorsWriter.ToBytes(faked), 3, spec, data, 2, 6);
        Assert.NotEqual(full.Commitments[1].Sha256, resumed.Commitments[^1].Sha256);
    }
}
