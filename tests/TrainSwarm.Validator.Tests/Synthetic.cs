using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator.Tests;

/// <summary>
/// A tiny, fast stand-in for a job: 2×2 grayscale images whose class is 0 when pixel 0 is brighter than pixel 1, and a
/// linear model (flatten → linear(4,2)) whose parameters are 1.weight [2,4] and 1.bias [2].
/// </summary>
internal static class Synthetic
{
    public static readonly JobSpec Spec = new() { Layers = ["flatten", "linear(4,2)"], Seed = 3 };

    /// <summary><paramref name="count"/> seeded images; labels follow the rule exactly.</summary>
    public static LabeledImages Images(int count, int seed = 1)
    {
        var random = new Random(seed);
        var pixels = new float[count * 4];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            for (var p = 0; p < 4; p++)
                pixels[i * 4 + p] = (float)random.NextDouble();
            labels[i] = pixels[i * 4] > pixels[i * 4 + 1] ? 0 : 1;
        }
        return new LabeledImages(pixels, labels, 1, 2, 2, 2);
    }

    /// <summary>The base model's safetensors bytes (the seeded initialization).</summary>
    public static byte[] BaseModel() => ModuleWeights.ToBytes(ModelBuilder.Build(Spec.Model, Spec.Layers, Spec.Seed));

    public static IReadOnlyList<NamedArray> BaseWeights() => ModuleWeights.Export(ModelBuilder.Build(Spec.Model, Spec.Layers, Spec.Seed));

    /// <summary>A delta that turns the base into a model solving the rule: logit0 − logit1 = 2·(x0 − x1).</summary>
    public static List<NamedArray> GoodDelta()
    {
        NamedArray[] target =
        [
            NamedArray.F32("1.weight", [1, -1, 0, 0, -1, 1, 0, 0], 2, 4),
            NamedArray.F32("1.bias", [0, 0], 2),
        ];
        return DeltaCodec.Difference(target, BaseWeights());
    }

    /// <summary>A delta of the base's layout with every value <paramref name="fill"/>.</summary>
    public static List<NamedArray> Filled(float fill) =>
        [NamedArray.F32("1.weight", Enumerable.Repeat(fill, 8).ToArray(), 2, 4), NamedArray.F32("1.bias", [fill, fill], 2)];

    public static TrainingReceipt Receipt(string node, byte[] update, string encoding = "f32", long samples = 100) => new(
        "job-1", "round-1", 1, node, BlobId.Of(BaseModel()), 0, 1, 7, 10, samples, [0.7f, 0.5f], 1.5, [],
        BlobId.Of(update), encoding, "fashion-mnist");

    public static CandidateUpdate Candidate(string node, IReadOnlyList<NamedArray> delta, string encoding = "f32", long samples = 100)
    {
        var bytes = DeltaCodec.Encode(delta, encoding);
        return new CandidateUpdate(Receipt(node, bytes, encoding, samples), bytes, null);
    }

    public static RoundView Round() => new(
        "round-1", "job-1", 0, 1, RoundStatus.Validating, 7, BlobId.Of(BaseModel()), "fashion-mnist", "mlp", 1, 3, 10, 64,
        DateTimeOffset.UnixEpoch, null, null, null, DateTimeOffset.UnixEpoch, null, null, null, []);

    /// <summary>A submission signed by <paramref name="key"/>.</summary>
    public static UpdateSubmission Signed(ActorKey key, TrainingReceipt receipt) => new(receipt, DocumentSignature.Sign(key, receipt));
}
