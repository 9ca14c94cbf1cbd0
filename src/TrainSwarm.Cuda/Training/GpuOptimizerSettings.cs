namespace TrainSwarm.Cuda.Training;

/// <summary>The optimizer of a GPU training run: "adam" (torch.optim.Adam) or "sgd" with momentum (torch.optim.SGD), no weight decay.</summary>
public sealed record GpuOptimizerSettings(string Name, float LearningRate, float Momentum = 0.9f, float Beta1 = 0.9f, float Beta2 = 0.999f,
    float Eps = 1e-8f)
{
    public static GpuOptimizerSettings Adam(float lr) => new("adam", lr);

    public static GpuOptimizerSettings Sgd(float lr, float momentum) => new("sgd", lr, momentum);
}
