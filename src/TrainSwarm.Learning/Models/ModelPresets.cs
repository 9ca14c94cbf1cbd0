using TrainSwarm.Nn;
using TrainSwarm.Nn.Layers;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Models;

/// <summary>
/// The reference models, defined exactly as in the PyTorch anchor (shared/anchors/pytorch_fmnist.py) for 10 classes. Each ends
/// in Linear(128, classes): the dataset's class count (47 for EMNIST balanced, 100 for CIFAR-100), so a preset fits any dataset
/// of its input shape. With 10 classes every weight is drawn exactly as before; with another count the last layer's are drawn
/// from the same stream, only more or fewer of them.
/// </summary>
public static class ModelPresets
{
    /// <summary>The class count a preset ends in unless told otherwise (Fashion-MNIST's, MNIST's, CIFAR-10's, SVHN's).</summary>
    public const int DefaultClasses = 10;

    /// <summary>Preset names, for validation and help text.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp", "cnn", "cnn-rgb32"];

    /// <summary>Builds a preset for <paramref name="classes"/> classes with parameters initialized from <paramref name="seed"/>.</summary>
    public static Sequential Create(string name, ulong seed, int classes = DefaultClasses) => Create(name, new Rng(seed), classes);

    /// <summary>Builds a preset for <paramref name="classes"/> classes with parameters initialized from <paramref name="rng"/>.</summary>
    public static Sequential Create(string name, Rng rng, int classes = DefaultClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        return Layers(name, rng, classes);
    }

    private static Sequential Layers(string name, Rng rng, int classes) => name switch
    {
        // Flatten → Linear(784,128) → ReLU → Linear(128,classes)
        "mlp" => new Sequential(new Flatten(), new Linear(784, 128, rng), new ReLU(), new Linear(128, classes, rng)),
        // Conv2d(1,32,3) → ReLU → MaxPool2d(2) → Conv2d(32,64,3) → ReLU → MaxPool2d(2) → Flatten → Linear(1600,128) → ReLU → Linear(128,classes)
        "cnn" => new Sequential(
            new Conv2d(1, 32, 3, rng), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, rng), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(1600, 128, rng), new ReLU(), new Linear(128, classes, rng)),
        // The cnn for 32×32 RGB (CIFAR-sized) inputs: 32 → 30 → 15 → 13 → 6, so 64·6·6 = 2304 features reach the first linear.
        // Conv2d(3,32,3) → ReLU → MaxPool2d(2) → Conv2d(32,64,3) → ReLU → MaxPool2d(2) → Flatten → Linear(2304,128) → ReLU → Linear(128,classes)
        "cnn-rgb32" => new Sequential(
            new Conv2d(3, 32, 3, rng), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, rng), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(2304, 128, rng), new ReLU(), new Linear(128, classes, rng)),
        _ => throw new ArgumentException($"unknown model '{name}'; choose one of: {string.Join(", ", Names)}"),
    };

    /// <summary>Input shape of one sample, (C, H, W).</summary>
    public static int[] InputShape(string name) => name switch
    {
        "mlp" or "cnn" => [1, 28, 28],
        "cnn-rgb32" => [3, 32, 32],
        _ => throw new ArgumentException($"unknown model '{name}'; choose one of: {string.Join(", ", Names)}"),
    };
}
