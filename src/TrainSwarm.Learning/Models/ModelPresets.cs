using TrainSwarm.Nn;
using TrainSwarm.Nn.Layers;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Models;

/// <summary>The reference models, defined exactly as in the PyTorch anchor (shared/anchors/pytorch_fmnist.py).</summary>
public static class ModelPresets
{
    /// <summary>Preset names, for validation and help text.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp", "cnn", "cnn-rgb32"];

    /// <summary>Builds a preset with parameters initialized from <paramref name="seed"/>.</summary>
    public static Sequential Create(string name, ulong seed) => Create(name, new Rng(seed));

    /// <summary>Builds a preset with parameters initialized from <paramref name="rng"/>.</summary>
    public static Sequential Create(string name, Rng rng) => name switch
    {
        // Flatten → Linear(784,128) → ReLU → Linear(128,10)
        "mlp" => new Sequential(new Flatten(), new Linear(784, 128, rng), new ReLU(), new Linear(128, 10, rng)),
        // Conv2d(1,32,3) → ReLU → MaxPool2d(2) → Conv2d(32,64,3) → ReLU → MaxPool2d(2) → Flatten → Linear(1600,128) → ReLU → Linear(128,10)
        "cnn" => new Sequential(
            new Conv2d(1, 32, 3, rng), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, rng), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(1600, 128, rng), new ReLU(), new Linear(128, 10, rng)),
        // The cnn for 32×32 RGB (CIFAR-sized) inputs: 32 → 30 → 15 → 13 → 6, so 64·6·6 = 2304 features reach the first linear.
        // Conv2d(3,32,3) → ReLU → MaxPool2d(2) → Conv2d(32,64,3) → ReLU → MaxPool2d(2) → Flatten → Linear(2304,128) → ReLU → Linear(128,10)
        "cnn-rgb32" => new Sequential(
            new Conv2d(3, 32, 3, rng), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, rng), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(2304, 128, rng), new ReLU(), new Linear(128, 10, rng)),
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
