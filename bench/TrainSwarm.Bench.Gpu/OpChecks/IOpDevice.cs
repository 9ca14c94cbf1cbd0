using TrainSwarm.Cuda.Ops;
using TrainSwarm.Cuda.Training;

namespace TrainSwarm.Bench.Gpu.OpChecks;

/// <summary>
/// What `swarm bench gpu-ops` checks, one layer at a time on host arrays: the GPU (<see cref="CudaOpDevice"/>) and its CPU twin, the
/// engine (<see cref="EngineOpDevice"/>), answer the same calls, so one checker compares them with each other, with PyTorch's golden
/// values and with finite differences. Layouts are PyTorch's; backward passes take the upstream gradient of the output.
/// </summary>
public interface IOpDevice
{
    /// <summary>What computed the results, for the output line (a GPU's kind, or the CPU engine's).</summary>
    string Name { get; }

    /// <summary>Row-major C(m, n) = op(A)·op(B), op(A): (m, k), op(B): (k, n).</summary>
    float[] Gemm(bool transA, bool transB, int m, int n, int k, float[] a, float[] b);

    /// <summary>y = x·Wᵀ + b, ReLU'd when asked; gradients grad_x, grad_weight, grad_bias for <paramref name="gradOut"/>.</summary>
    LayerPass Linear(float[] x, float[] weight, float[] bias, int rows, int inputs, int outputs, bool relu, float[] gradOut);

    /// <summary>ReLU and its gradient grad_x.</summary>
    LayerPass Relu(float[] x, float[] gradOut);

    /// <summary>Mean cross-entropy (Out holds one value) and grad_logits.</summary>
    LayerPass SoftmaxCrossEntropy(float[] logits, int[] targets, int cols);

    /// <summary>A valid 3×3-style convolution (stride 1, no padding), ReLU'd when asked; grad_x, grad_weight, grad_bias.</summary>
    LayerPass Conv2d(float[] x, float[] weight, float[] bias, ConvShape shape, bool relu, float[] gradOut);

    /// <summary>2×2 max pooling of (planes, h, w) and grad_x.</summary>
    LayerPass MaxPool2(float[] x, int planes, int h, int w, float[] gradOut);

    /// <summary>Optimizer step <paramref name="step"/> (1-based) from the given weights, gradients and state.</summary>
    OptimizerPass OptimizerStep(GpuOptimizerSettings optimizer, int step, float[] weights, float[] gradients, float[] state1, float[] state2);

    /// <summary>
    /// <paramref name="steps"/> whole training steps of preset <paramref name="model"/> (mlp, cnn) on one batch (x: the images, one row each)
    /// from <paramref name="initial"/> (PyTorch order): the loss before the first step and the parameters after each step.
    /// </summary>
    ModelPass TrainSteps(string model, IReadOnlyList<float[]> initial, float[] x, int[] targets, GpuOptimizerSettings optimizer, int steps);
}

/// <summary>A preset's loss at its initial weights and its parameters (PyTorch order) after each of several steps on one batch.</summary>
public sealed record ModelPass(float Loss, IReadOnlyList<float[][]> ParametersAfterStep);
