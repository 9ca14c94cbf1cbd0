using TrainSwarm.Tensors;

namespace TrainSwarm.Bench.Gpu;

/// <summary>
/// A seeded stand-in for Fashion-MNIST of the same shape (784 values in [0, 1), 10 classes). Throughput does not depend
/// on the pixel values, and the device machine has no dataset; the labels follow the first pixels so the loss falls.
/// </summary>
public sealed class SyntheticSet
{
    public const int Features = 784;
    public const int Classes = 10;

    public SyntheticSet(int samples, ulong seed)
    {
        var rng = new Rng(seed);
        Images = new float[(long)samples * Features];
        Labels = new int[samples];
        for (int s = 0; s < samples; s++)
        {
            var row = Images.AsSpan(s * Features, Features);
            for (int f = 0; f < Features; f++) row[f] = rng.NextFloat();
            Labels[s] = (int)(row[0] * Classes) % Classes;
        }
    }

    public float[] Images { get; }

    public int[] Labels { get; }

    public int Samples => Labels.Length;
}
