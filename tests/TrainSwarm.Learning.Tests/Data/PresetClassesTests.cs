using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Tests.Data;

/// <summary>
/// The presets end in the dataset's class count: EMNIST balanced (47 classes, 1×28×28) trains with mlp and cnn, CIFAR-100 (100
/// classes, 3×32×32) with cnn-rgb32, through the swarm's round trainer and its replay, on fixture files in the real formats.
/// </summary>
[Collection(nameof(SerialTraining))]
public sealed class PresetClassesTests
{
    [Theory]
    [InlineData("mlp", 47, 1, 28)]
    [InlineData("cnn", 47, 1, 28)]
    [InlineData("cnn-rgb32", 100, 3, 32)]
    public void A_preset_ends_in_the_class_count_and_draws_every_other_weight_as_the_10_class_one(string preset, int classes, int channels, int side)
    {
        var model = ModelBuilder.Build(preset, null, 7, classes);
        ModelBuilder.CheckFits(model, [channels, side, side], classes);
        var weights = ModuleWeights.Export(model);
        var ten = ModuleWeights.Export(ModelPresets.Create(preset, 7));
        Assert.Equal([classes, 128], weights[^2].Shape);
        Assert.Equal([classes], weights[^1].Shape);
        // The last layer's weights come last from the seeded stream: all before it are the 10-class preset's, bit for bit.
        Assert.Equal(ten.Count, weights.Count);
        for (int i = 0; i < ten.Count - 2; i++)
            Assert.Equal(ten[i].AsF32(), weights[i].AsF32());
        // 10 classes is exactly the preset as it always was.
        Assert.Equal(ModuleWeights.ToBytes(ModelPresets.Create(preset, 7)), ModuleWeights.ToBytes(ModelBuilder.Build(preset, null, 7, 10)));
        Assert.Equal(FlopCounter.Count("", FlopCounter.LayersOf(preset, classes), [channels, side, side]),
            FlopCounter.Count(preset, null, [channels, side, side], classes));
        Assert.Equal($"linear(128,{classes})", FlopCounter.LayersOf(preset, classes)[^1]);
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void Emnist_balanced_trains_a_round_with_a_preset_and_the_replay_matches_it(string preset)
    {
        using var tmp = new TempDir();
        // Every one of the 47 classes once in the train split, the first 5 in the test split.
        CatalogFixtures.WriteEmnistZip(Path.Combine(tmp.Path, "emnist-gzip.zip"), "balanced", [.. Enumerable.Range(0, 47).Select(i => (byte)i)],
            [0, 1, 2, 3, 4]);
        var (train, test) = CatalogData.Load(DatasetCatalog.EmnistBalanced, tmp.Path);
        AssertRoundTrainsAndReplays(preset, train, test, 47);
    }

    [Fact]
    public void Cifar100_trains_a_round_with_cnn_rgb32_and_the_replay_matches_it()
    {
        using var tmp = new TempDir();
        CatalogFixtures.WriteCifar(Path.Combine(tmp.Path, "cifar-100-binary.tar.gz"), [[99, 0, 57, 12, 31, 64, 5, 88]], [42, 7], hundred: true);
        var (train, test) = CatalogData.Load(DatasetCatalog.Cifar100, tmp.Path);
        AssertRoundTrainsAndReplays("cnn-rgb32", train, test, 100);
    }

    // A node's round (4 steps of Adam, batch 4, a commitment every 2) from the preset built as the coordinator builds a job's
    // initial model, then a validator's replay of the second segment from the first checkpoint: bitwise the same commitment.
    private static void AssertRoundTrainsAndReplays(string preset, LabeledImages train, LabeledImages test, int classes)
    {
        Assert.Equal(classes, train.Classes);
        var initial = ModuleWeights.ToBytes(ModelBuilder.Build(preset, null, 3, train.Classes));
        var spec = new RoundTrainingSpec(preset, null, "adam", 1e-3, 0, 4, 4, 2);
        var result = RoundTrainer.Train(initial, spec, train, seed: 5);
        Assert.Equal(4, result.Steps);
        Assert.All(result.LossCurve, l => Assert.True(float.IsFinite(l) && l > 0, $"loss {l}"));
        Assert.Equal([classes, 128], result.Delta[^2].Shape);
        Assert.Contains(result.Delta[^2].AsF32(), d => d != 0);

        var replayed = RoundTrainer.Replay(SafeTensorsReader.Read(result.Checkpoints![0]), 2, spec, train, 5, 4);
        Assert.Equal(result.Commitments[1], Assert.Single(replayed));

        var model = ModelBuilder.Build(preset, null, 0, test.Classes);
        ModuleWeights.Import(model, SafeTensorsReader.Read(SafeTensorsWriter.ToBytes(result.Weights)));
        Assert.Equal(test.Count, Evaluator.Evaluate(model, test).Samples);
    }
}
