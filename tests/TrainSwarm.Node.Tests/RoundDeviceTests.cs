using TrainSwarm.Cuda.Selection;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Node.Tests;

/// <summary>Where a node trains an image round, and the device kind its receipt then names (checked without a GPU).</summary>
public sealed class RoundDeviceTests
{
    private static readonly RoundTrainingSpec Spec = new("mlp", null, "adamw", 1e-3, 0, 16, 6, 3);

    [Fact]
    public void Without_a_gpu_the_round_trains_on_the_cpu_engine_exactly_as_before_and_names_its_kind()
    {
        var (weights, shard) = (BaseModel(), Shard());
        var lines = new List<string>();
        var trained = RoundDevice.Train(null, weights, Spec, shard, 7, _ => { }, lines.Add, CancellationToken.None);
        var plain = RoundTrainer.Train(weights, Spec, shard, 7);
        Assert.Equal(Engine.DeviceKind, trained.Device);
        Assert.Equal(plain.Commitments, trained.Result.Commitments);
        Assert.Empty(lines);
    }

    [Fact]
    public void A_round_the_gpu_cannot_train_falls_back_to_the_cpu_with_one_log_line()
    {
        var gpu = new GpuInfo(0, "NVIDIA Test", 1L << 34, 9, 0, 132, 13000);
        var lines = new List<string>();
        var trained = RoundDevice.Train(gpu, BaseModel(), Spec, Shard(), 7, _ => { }, lines.Add, CancellationToken.None);
        Assert.Equal(Engine.DeviceKind, trained.Device);
        Assert.Equal($"trains on the cpu ({Engine.DeviceKind}): the CUDA backend trains mlp and cnn with adam or sgd, not mlp with adamw",
            Assert.Single(lines));
        Assert.Equal(6, trained.Result.LossCurve.Count);
    }

    private static byte[] BaseModel() => SafeTensorsWriter.ToBytes(ModuleWeights.Export(ModelPresets.Create("mlp", 3)));

    private static LabeledImages Shard()
    {
        const int count = 48;
        var rng = new Rng(5);
        var pixels = new float[count * 784];
        foreach (ref var v in pixels.AsSpan())
            v = rng.NextFloat();
        return new LabeledImages(pixels, [.. Enumerable.Range(0, count).Select(i => i % 10)], 1, 28, 28, 10);
    }
}
