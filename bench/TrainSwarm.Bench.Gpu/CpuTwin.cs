using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;
using TrainSwarm.Cuda.Training;

namespace TrainSwarm.Bench.Gpu;

/// <summary>The CPU engine training a preset (mlp, cnn) on the same batches as the GPU, to compare their weights.</summary>
public static class CpuTwin
{
    /// <summary>The preset's parameters for <paramref name="seed"/> (weight, bias per layer, PyTorch order).</summary>
    public static float[][] InitialParameters(string model, ulong seed) =>
        [.. ModelPresets.Create(model, seed).Parameters().Select(p => p.Span.ToArray())];

    /// <summary>Trains <paramref name="steps"/> steps from the seed's weights on batches in <paramref name="order"/>; returns the weights.</summary>
    public static float[][] Train(string model, ulong seed, SyntheticSet data, ReadOnlySpan<int> order, int batch, int steps, GpuOptimizerSettings settings)
    {
        var net = ModelPresets.Create(model, seed);
        var parameters = net.Parameters();
        Optimizer optimizer = settings.Name == "adam"
            ? new Adam(parameters, settings.LearningRate, settings.Beta1, settings.Beta2, settings.Eps)
            : new Sgd(parameters, settings.LearningRate, settings.Momentum);
        var input = Tensor.Persistent(batch, 1, 28, 28);
        var labels = new int[batch];
        using var scope = TensorScope.Begin();
        for (int step = 0; step < steps; step++)
        {
            for (int r = 0; r < batch; r++)
            {
                int sample = order[step * batch + r];
                data.Images.AsSpan(sample * SyntheticSet.Features, SyntheticSet.Features).CopyTo(input.Span.Slice(r * SyntheticSet.Features));
                labels[r] = data.Labels[sample];
            }
            optimizer.ZeroGrad();
            var loss = Ops.CrossEntropy(net.Forward(input), labels);
            loss.Backward();
            using (GradMode.NoGrad()) optimizer.Step();
            scope.Reset();
        }
        return [.. parameters.Select(p => p.Span.ToArray())];
    }
}
