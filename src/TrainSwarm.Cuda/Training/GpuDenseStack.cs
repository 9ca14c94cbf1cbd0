using TrainSwarm.Cuda.Kernels;
using TrainSwarm.Cuda.Memory;

namespace TrainSwarm.Cuda.Training;

/// <summary>
/// Linear layers with ReLU between them (none after the last) and softmax cross-entropy on the logits: the mlp preset
/// and the cnn preset's head. Layer l's weight (Out, In) and bias (Out) are parameter tensors first + 2l and first + 2l + 1.
/// </summary>
internal sealed class GpuDenseStack : IDisposable
{
    private readonly CudaContext _gpu;
    private readonly GpuParameters _parameters;
    private readonly int _first, _batch;
    private readonly int[] _widths;
    private readonly DeviceBuffer[] _activations, _gradients;

    public GpuDenseStack(CudaContext gpu, GpuParameters parameters, int firstTensor, IReadOnlyList<int> widths, int batch)
    {
        if (widths.Count < 2 || widths.Any(w => w < 1)) throw new ArgumentException("a dense stack needs at least two positive widths");
        for (int l = 0; l < widths.Count - 1; l++)
            if (parameters.Length(firstTensor + 2 * l) != (long)widths[l + 1] * widths[l] || parameters.Length(firstTensor + 2 * l + 1) != widths[l + 1])
                throw new ArgumentException($"dense layer {l} ({widths[l]} → {widths[l + 1]}) has parameters of the wrong size");
        _gpu = gpu;
        _parameters = parameters;
        _first = firstTensor;
        _widths = [.. widths];
        _batch = batch;
        // Index 0 is the stack's input, which the caller owns; entries are kept for l ≥ 1 only.
        _activations = [.. widths.Skip(1).Select(w => gpu.Allocate((long)batch * w))];
        _gradients = [.. widths.Skip(1).Select(w => gpu.Allocate((long)batch * w))];
    }

    // a[l+1]: (B, out) = a[l]: (B, in) · W_lᵀ + b_l, ReLU on all but the last; then the loss and dlogits.
    public void Forward(DeviceBuffer input, DeviceBuffer labels, DeviceBuffer rowLoss)
    {
        var k = _gpu.Kernels;
        int layers = _widths.Length - 1;
        for (int l = 0; l < layers; l++)
        {
            int inputs = _widths[l], outputs = _widths[l + 1];
            var y = _activations[l];
            _gpu.Gemm(false, true, _batch, outputs, inputs, Activation(input, l).Address, _parameters.Value(_first + 2 * l), y.Address);
            k.Launch("bias_act", KernelModule.GridFor((long)_batch * outputs), [y.Address, _parameters.Value(_first + 2 * l + 1),
                KernelArg.Int(outputs), KernelArg.Int(l < layers - 1 ? 1 : 0), KernelArg.Long((long)_batch * outputs)]);
        }
        k.Launch("softmax_xent", KernelModule.GridFor(_batch), [_activations[^1].Address, labels.Address, KernelArg.Int(_batch),
            KernelArg.Int(_widths[layers]), _gradients[^1].Address, rowLoss.Address]);
    }

    // dW_l: (out, in) = dY_lᵀ · a[l], db_l = column sums of dY_l, dA[l]: (B, in) = dY_l · W_l, masked by ReLU inside the stack.
    // The input's gradient (no mask: what feeds the stack is not a ReLU here) only when inputGradient is given.
    public void Backward(DeviceBuffer input, DeviceBuffer? inputGradient)
    {
        var k = _gpu.Kernels;
        for (int l = _widths.Length - 2; l >= 0; l--)
        {
            int inputs = _widths[l], outputs = _widths[l + 1];
            var dy = _gradients[l];
            _gpu.Gemm(true, false, outputs, inputs, _batch, dy.Address, Activation(input, l).Address, _parameters.Gradient(_first + 2 * l));
            k.Launch("column_sum", KernelModule.GridFor(outputs), [dy.Address, KernelArg.Int(_batch), KernelArg.Int(outputs),
                _parameters.Gradient(_first + 2 * l + 1)]);
            var dx = l > 0 ? _gradients[l - 1] : inputGradient;
            if (dx is null) continue;
            _gpu.Gemm(false, false, _batch, inputs, outputs, dy.Address, _parameters.Value(_first + 2 * l), dx.Address);
            if (l > 0)
                k.Launch("relu_backward", KernelModule.GridFor((long)_batch * inputs), [dx.Address, _activations[l - 1].Address,
                    KernelArg.Long((long)_batch * inputs)]);
        }
    }

    private DeviceBuffer Activation(DeviceBuffer input, int layer) => layer == 0 ? input : _activations[layer - 1];

    public void Dispose()
    {
        foreach (var buffer in _activations.Concat(_gradients)) buffer.Dispose();
    }
}
