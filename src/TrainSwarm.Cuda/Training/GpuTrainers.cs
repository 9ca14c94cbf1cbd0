namespace TrainSwarm.Cuda.Training;

/// <summary>The GPU trainer of each model preset the CUDA backend runs.</summary>
public static class GpuTrainers
{
    /// <summary>Presets with a GPU path.</summary>
    public static IReadOnlyList<string> Models { get; } = ["mlp", "cnn"];

    /// <summary>Optimizers with a GPU kernel.</summary>
    public static IReadOnlyList<string> Optimizers { get; } = ["adam", "sgd"];

    /// <summary>Whether the CUDA backend trains <paramref name="model"/> with <paramref name="optimizer"/>.</summary>
    public static bool Supports(string model, string optimizer) => Models.Contains(model) && Optimizers.Contains(optimizer);

    /// <summary>The trainer of preset <paramref name="model"/> from its initial parameters (PyTorch order).</summary>
    public static IGpuTrainer Create(string model, CudaContext gpu, IReadOnlyList<float[]> initial, GpuOptimizerSettings optimizer, int batchSize) =>
        model switch
        {
            "mlp" => new GpuMlpTrainer(gpu, [784, 128, 10], initial, optimizer, batchSize),
            "cnn" => GpuCnnTrainer.Preset(gpu, initial, optimizer, batchSize),
            _ => throw new ArgumentException($"the CUDA backend has no '{model}' preset; it runs {string.Join(", ", Models)}"),
        };
}
