using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Tests;

public class RoundTrainerTests(ITestOutputHelper log)
{
    private static readonly string[] Layers = ["flatten", "linear(16,8)", "relu", "linear(8,2)"];

    private static RoundTrainingSpec Spec(int steps = 7, int batch = 4, int commitEvery = 3, string optimizer = "sgd", double lr = 0.1) =>
        new("mlp", Layers, optimizer, lr, 0.9, batch, steps, commitEvery);

    // An easy task: 4x4 images whose left half is brighter than the right half are class 1, the others class 0.
    private static LabeledImages Synthetic(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[count * 16];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = rng.NextInt(2);
            for (var p = 0; p < 16; p++)
            {
                var left = p % 4 < 2;
                var bright = left == (labels[i] == 1);
                pixels[i * 16 + p] = bright ? rng.Uniform(0.6f, 1f) : rng.Uniform(0f, 0.4f);
            }
        }
        return new LabeledImages(pixels, labels, 1, 4, 4, 2);
    }

    private static byte[] BaseWeights(ulong seed = 11) => ModuleWeights.ToBytes(ModelBuilder.Build("", Layers, seed));

    [Fact]
    public void The_same_inputs_give_a_bitwise_identical_delta_and_commitments()
    {
        var data = Synthetic(40, 1);
        var a = RoundTrainer.Train(BaseWeights(), Spec(), data, seed: 5);
        var b = RoundTrainer.Train(BaseWeights(), Spec(), data, seed: 5);
        Assert.Equal(DeltaCodec.Encode(a.Delta, "f32"), DeltaCodec.Encode(b.Delta, "f32"));
        Assert.Equal(a.Commitments, b.Commitments);
        Assert.Equal(a.LossCurve, b.LossCurve);

        var other = RoundTrainer.Train(BaseWeights(), Spec(), data, seed: 6);
        Assert.NotEqual(DeltaCodec.Encode(a.Delta, "f32"), DeltaCodec.Encode(other.Delta, "f32"));
    }

    [Fact]
    public void Exactly_H_steps_are_taken_cycling_epochs_and_every_loss_is_recorded()
    {
        // 10 samples in batches of 4: two batches per epoch, so 7 steps span four epochs.
        var result = RoundTrainer.Train(BaseWeights(), Spec(steps: 7, batch: 4), Synthetic(10, 2), seed: 1);
        Assert.Equal(7, result.Steps);
        Assert.Equal(7, result.LossCurve.Count);
        Assert.All(result.LossCurve, l => Assert.True(float.IsFinite(l) && l > 0));
        Assert.Equal(4, result.BatchSize);
        Assert.Equal(28, result.Samples);
        Assert.True(result.ComputeSeconds >= 0);
    }

    [Fact]
    public void A_shard_smaller_than_the_batch_trains_on_the_whole_shard()
    {
        var result = RoundTrainer.Train(BaseWeights(), Spec(steps: 3, batch: 64), Synthetic(5, 3), seed: 1);
        Assert.Equal(5, result.BatchSize);
        Assert.Equal(15, result.Samples);
    }

    [Fact]
    public void Commitments_come_every_k_steps_and_at_the_last_and_hash_the_weights()
    {
        var result = RoundTrainer.Train(BaseWeights(), Spec(steps: 7, commitEvery: 3), Synthetic(20, 4), seed: 2);
        Assert.Equal([3, 6, 7], result.Commitments.Select(c => c.Step));
        Assert.All(result.Commitments, c => Assert.Matches("^[0-9a-f]{64}$", c.Sha256));
        Assert.Equal(3, result.Commitments.Select(c => c.Sha256).Distinct().Count());

        var model = ModelBuilder.Build("", Layers, 0);
        ModuleWeights.Import(model, SafeTensorsReader.Read(SafeTensorsWriter.ToBytes(result.Weights)));
        Assert.Equal(result.Commitments[^1].Sha256, RoundTrainer.Hash(model));
    }

    [Fact]
    public void A_partial_replay_reproduces_the_commitments_up_to_its_step()
    {
        var data = Synthetic(20, 4);
        var full = RoundTrainer.Train(BaseWeights(), Spec(steps: 10, commitEvery: 3), data, seed: 9);
        var part = RoundTrainer.Train(BaseWeights(), Spec(steps: 10, commitEvery: 3), data, seed: 9, stopAfter: 6);
        Assert.Equal(6, part.Steps);
        Assert.Equal(full.Commitments.Take(2), part.Commitments);
        Assert.Equal(full.LossCurve.Take(6), part.LossCurve);
    }

    [Fact]
    public void The_delta_is_trained_minus_base()
    {
        var baseBytes = BaseWeights();
        var result = RoundTrainer.Train(baseBytes, Spec(), Synthetic(20, 5), seed: 3);
        var baseTensors = SafeTensorsReader.Read(baseBytes);
        Assert.Equal(result.Weights.Select(w => w.Name), result.Delta.Select(d => d.Name));
        foreach (var (w, d) in result.Weights.Zip(result.Delta))
        {
            var b = baseTensors[w.Name].AsF32();
            var t = w.AsF32();
            var delta = d.AsF32();
            for (var i = 0; i < t.Length; i++)
                Assert.Equal(t[i] - b[i], delta[i]);
        }
        Assert.Contains(result.Delta, d => d.AsF32().Any(v => v != 0));
    }

    [Theory]
    [InlineData("sgd", 0.1)]
    [InlineData("adam", 0.01)]
    [InlineData("adamw", 0.01)]
    public void Loss_goes_down_on_an_easy_task(string optimizer, double lr)
    {
        var result = RoundTrainer.Train(BaseWeights(), Spec(steps: 150, batch: 16, commitEvery: 50, optimizer: optimizer, lr: lr), Synthetic(200, 6), seed: 4);
        var first = result.LossCurve.Take(10).Average();
        var last = result.LossCurve.TakeLast(10).Average();
        log.WriteLine($"{optimizer}: mean loss of the first 10 steps {first:F4}, of the last 10 {last:F4}");
        Assert.True(last < first * 0.5, $"{optimizer}: loss went from {first:F4} to {last:F4}");
    }

    [Fact]
    public void Progress_is_reported_for_every_step()
    {
        var seen = new List<RoundStep>();
        RoundTrainer.Train(BaseWeights(), Spec(steps: 5), Synthetic(12, 7), seed: 1, onStep: seen.Add);
        Assert.Equal([1, 2, 3, 4, 5], seen.Select(s => s.Step));
        Assert.All(seen, s => Assert.Equal(5, s.Steps));
        Assert.Equal(20, seen[^1].Samples);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        var data = Synthetic(10, 8);
        Assert.Throws<ArgumentException>(() => RoundTrainer.Train(BaseWeights(), Spec(optimizer: "lbfgs"), data, 1));
        var otherModel = ModuleWeights.ToBytes(ModelBuilder.Build("", ["flatten", "linear(16,2)"], 1));
        Assert.Throws<SafeTensorsFormatException>(() => RoundTrainer.Train(otherModel, Spec(), data, 1));
        Assert.Throws<FormatException>(() => RoundTrainer.Train(BaseWeights(), Spec() with { Layers = ["linear(16)"] }, data, 1));
    }

    [Fact]
    public void Cancellation_stops_training()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            RoundTrainer.Train(BaseWeights(), Spec(), Synthetic(10, 9), 1, cancellation: cts.Token));
    }
}

/// <summary>Changes the engine's global thread count, so it runs with the other tests that do.</summary>
[Collection(nameof(SerialTraining))]
public class RoundTrainerThreadTests
{
    [Fact]
    public void The_delta_is_bitwise_identical_for_one_and_four_threads()
    {
        string[] layers = ["conv2d(1,4,3)", "relu", "flatten", "linear(64,2)"];
        var rng = new Rng(3);
        var data = new LabeledImages(Enumerable.Range(0, 32 * 36).Select(_ => rng.NextFloat()).ToArray(),
            Enumerable.Range(0, 32).Select(i => i % 2).ToArray(), 1, 6, 6, 2);
        var baseWeights = ModuleWeights.ToBytes(ModelBuilder.Build("", layers, 1));
        var spec = new RoundTrainingSpec("", layers, "adam", 0.01, 0, 8, 9, 4);
        var saved = Engine.Threads;
        try
        {
            Engine.Threads = 1;
            var one = RoundTrainer.Train(baseWeights, spec, data, 7);
            Engine.Threads = 4;
            var four = RoundTrainer.Train(baseWeights, spec, data, 7);
            Assert.Equal(DeltaCodec.Encode(one.Delta, "f32"), DeltaCodec.Encode(four.Delta, "f32"));
            Assert.Equal(one.Commitments, four.Commitments);
        }
        finally
        {
            Engine.Threads = saved;
        }
    }
}
