using TrainSwarm.Cuda.Kernels;
using TrainSwarm.Cuda.Memory;
using TrainSwarm.Cuda.Training;

namespace TrainSwarm.Cuda.Ops;

/// <summary>
/// The trainers' kernels one layer at a time, on host arrays, for `swarm bench gpu-ops`: each call uploads its inputs, runs the launches
/// the mlp and cnn trainers queue for that layer (the same kernels and the same cuBLAS calls, in the same order), waits, and downloads
/// every output. Layouts are PyTorch's (row-major, NCHW; a Linear weight is (out, in), a conv weight (OC, C, K, K)). Backward passes
/// take the upstream gradient of the layer's output, as <c>(out * grad_out).sum()</c> gives it.
/// </summary>
public sealed class GpuOps(CudaContext gpu)
{
    /// <summary>Row-major C(m, n) = op(A)·op(B), op(A): (m, k), op(B): (k, n): <see cref="CudaContext.Gemm"/>.</summary>
    public float[] Gemm(bool transA, bool transB, int m, int n, int k, float[] a, float[] b)
    {
        using var run = new Run(gpu);
        var c = run.Output((long)m * n);
        gpu.Gemm(transA, transB, m, n, k, run.Input(a), run.Input(b), c.Address);
        return run.Read(c);
    }

    /// <summary>
    /// y = x·Wᵀ + b (ReLU when <paramref name="relu"/>), then the gradients of x, W and b for <paramref name="gradOut"/>: the launches of one
    /// layer of the dense stack (its three GEMM shapes, bias_act, relu_backward, column_sum).
    /// </summary>
    public LayerPass Linear(float[] x, float[] weight, float[] bias, int rows, int inputs, int outputs, bool relu, float[] gradOut)
    {
        Check(x, (long)rows * inputs, nameof(x));
        Check(weight, (long)outputs * inputs, nameof(weight));
        Check(bias, outputs, nameof(bias));
        Check(gradOut, (long)rows * outputs, nameof(gradOut));
        using var run = new Run(gpu);
        var k = gpu.Kernels;
        ulong xa = run.Input(x), wa = run.Input(weight), dy = run.Input(gradOut);
        var y = run.Output((long)rows * outputs);
        var (dx, dw, db) = (run.Output((long)rows * inputs), run.Output((long)outputs * inputs), run.Output(outputs));
        run.Ready();
        gpu.Gemm(false, true, rows, outputs, inputs, xa, wa, y.Address);
        k.Launch("bias_act", KernelModule.GridFor(y.Length), [y.Address, run.Input(bias), KernelArg.Int(outputs), KernelArg.Int(relu ? 1 : 0),
            KernelArg.Long(y.Length)]);
        if (relu)
            k.Launch("relu_backward", KernelModule.GridFor(y.Length), [dy, y.Address, KernelArg.Long(y.Length)]);
        gpu.Gemm(true, false, outputs, inputs, rows, dy, xa, dw.Address);
        k.Launch("column_sum", KernelModule.GridFor(outputs), [dy, KernelArg.Int(rows), KernelArg.Int(outputs), db.Address]);
        gpu.Gemm(false, false, rows, inputs, outputs, dy, wa, dx.Address);
        return new LayerPass(run.Read(y), new Dictionary<string, float[]>
        {
            ["grad_x"] = run.Read(dx), ["grad_weight"] = run.Read(dw), ["grad_bias"] = run.Read(db),
        });
    }

    /// <summary>ReLU as the trainers apply it (bias_act with no bias) and its backward (relu_backward on the output).</summary>
    public LayerPass Relu(float[] x, float[] gradOut)
    {
        Check(gradOut, x.Length, nameof(gradOut));
        using var run = new Run(gpu);
        var k = gpu.Kernels;
        var y = run.Output(x.Length);
        y.Upload<float>(x);
        ulong zeros = run.Input(new float[x.Length]), dy = run.Input(gradOut);
        run.Ready();
        k.Launch("bias_act", KernelModule.GridFor(x.Length), [y.Address, zeros, KernelArg.Int(x.Length), KernelArg.Int(1), KernelArg.Long(x.Length)]);
        k.Launch("relu_backward", KernelModule.GridFor(x.Length), [dy, y.Address, KernelArg.Long(x.Length)]);
        return new LayerPass(run.Read(y), new Dictionary<string, float[]> { ["grad_x"] = run.Read(dy, x.Length) });
    }

    /// <summary>The mean cross-entropy of (rows, cols) logits against class targets and its gradient: softmax_xent, then mean.</summary>
    public LayerPass SoftmaxCrossEntropy(float[] logits, int[] targets, int cols)
    {
        int rows = targets.Length;
        Check(logits, (long)rows * cols, nameof(logits));
        foreach (int t in targets)
            if ((uint)t >= (uint)cols) throw new ArgumentException($"target {t} is outside the {cols} classes", nameof(targets));
        using var run = new Run(gpu);
        var k = gpu.Kernels;
        ulong x = run.Input(logits), y = run.Input(targets);
        var (d, rowLoss, loss) = (run.Output(logits.Length), run.Output(rows), run.Output(1));
        run.Ready();
        k.Launch("softmax_xent", KernelModule.GridFor(rows), [x, y, KernelArg.Int(rows), KernelArg.Int(cols), d.Address, rowLoss.Address]);
        k.Launch("mean", 1, [rowLoss.Address, KernelArg.Int(rows), loss.Address]);
        return new LayerPass(run.Read(loss), new Dictionary<string, float[]> { ["grad_logits"] = run.Read(d) });
    }

    /// <summary>
    /// Conv2d as a cnn block runs it: im2col, one GEMM, bias (and ReLU when <paramref name="relu"/>) into NCHW; backward from
    /// <paramref name="gradOut"/> (B, OC, OH, OW): the ReLU mask, nchw_to_rows, the weight GEMM, the two-stage bias sum in chunks of
    /// <paramref name="biasChunk"/> rows, the input GEMM and col2im.
    /// </summary>
    public LayerPass Conv2d(float[] x, float[] weight, float[] bias, ConvShape s, bool relu, float[] gradOut, int biasChunk = GpuConvBlock.BiasChunk)
    {
        ArgumentNullException.ThrowIfNull(s);
        Check(x, s.InputLength, nameof(x));
        Check(weight, s.WeightLength, nameof(weight));
        Check(bias, s.OutChannels, nameof(bias));
        Check(gradOut, s.OutputLength, nameof(gradOut));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(biasChunk);
        using var run = new Run(gpu);
        int plane = s.OutHeight * s.OutWidth, chunks = (s.Positions + biasChunk - 1) / biasChunk;
        ulong xa = run.Input(x), wa = run.Input(weight), ba = run.Input(bias), dact = run.Input(gradOut);
        var (cols, rows, y) = (run.Output((long)s.Positions * s.Columns), run.Output(s.OutputLength), run.Output(s.OutputLength));
        var (drows, partials, dw, db) = (run.Output(s.OutputLength), run.Output((long)chunks * s.OutChannels), run.Output(s.WeightLength),
            run.Output(s.OutChannels));
        var (dcols, dx) = (run.Output((long)s.Positions * s.Columns), run.Output(s.InputLength));
        run.Ready();
        ConvLaunches.Im2Col(gpu, s, xa, cols.Address);
        gpu.Gemm(false, true, s.Positions, s.OutChannels, s.Columns, cols.Address, wa, rows.Address);
        ConvLaunches.BiasToNchw(gpu, s, rows.Address, ba, relu, y.Address);
        if (relu)
            gpu.Kernels.Launch("relu_backward", KernelModule.GridFor(y.Length), [dact, y.Address, KernelArg.Long(y.Length)]);
        ConvLaunches.NchwToRows(gpu, s, dact, drows.Address);
        gpu.Gemm(true, false, s.OutChannels, s.Columns, s.Positions, drows.Address, cols.Address, dw.Address);
        ConvLaunches.BiasGradient(gpu, s.Positions, s.OutChannels, biasChunk, drows.Address, partials.Address, db.Address);
        gpu.Gemm(false, false, s.Positions, s.Columns, s.OutChannels, drows.Address, wa, dcols.Address);
        ConvLaunches.Col2Im(gpu, s, dcols.Address, dx.Address);
        return new LayerPass(run.Read(y), new Dictionary<string, float[]>
        {
            ["grad_x"] = run.Read(dx), ["grad_weight"] = run.Read(dw), ["grad_bias"] = run.Read(db),
        });
    }

    /// <summary>2×2 max pooling of (planes, h, w) and its backward: maxpool2_forward, then maxpool2_backward through the winners.</summary>
    public LayerPass MaxPool2(float[] x, int planes, int h, int w, float[] gradOut)
    {
        Check(x, (long)planes * h * w, nameof(x));
        Check(gradOut, (long)planes * (h / 2) * (w / 2), nameof(gradOut));
        using var run = new Run(gpu);
        ulong xa = run.Input(x), dy = run.Input(gradOut);
        var (y, arg, dx) = (run.Output(gradOut.Length), run.Output(gradOut.Length), run.Output(x.Length));
        run.Ready();
        ConvLaunches.MaxPoolForward(gpu, planes, h, w, xa, y.Address, arg.Address);
        ConvLaunches.MaxPoolBackward(gpu, planes, h, w, dy, arg.Address, dx.Address);
        return new LayerPass(run.Read(y), new Dictionary<string, float[]> { ["grad_x"] = run.Read(dx) });
    }

    /// <summary>
    /// Optimizer step <paramref name="step"/> of <paramref name="o"/> over <paramref name="weights"/> with <paramref name="gradients"/>,
    /// from the state given (Adam: first and second moments; SGD: the momentum buffer, <paramref name="state2"/> ignored).
    /// </summary>
    public OptimizerPass OptimizerStep(GpuOptimizerSettings o, int step, float[] weights, float[] gradients, float[] state1, float[] state2)
    {
        ArgumentNullException.ThrowIfNull(o);
        Check(gradients, weights.Length, nameof(gradients));
        Check(state1, weights.Length, nameof(state1));
        Check(state2, weights.Length, nameof(state2));
        using var run = new Run(gpu);
        var (w, s1, s2) = (run.Output(weights.Length), run.Output(weights.Length), run.Output(weights.Length));
        w.Upload<float>(weights);
        s1.Upload<float>(state1);
        s2.Upload<float>(state2);
        ulong g = run.Input(gradients);
        run.Ready();
        OptimizerKernels.Queue(gpu, o, step, w.Address, g, s1.Address, s2.Address, weights.Length);
        return new OptimizerPass(run.Read(w), run.Read(s1), run.Read(s2));
    }

    private static void Check<T>(T[] values, long expected, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != expected) throw new ArgumentException($"{name} holds {values.Length} values, expected {expected}", name);
    }

    // The buffers of one call: inputs copied up, outputs read back after one wait for the whole context, all returned to the cache.
    private sealed class Run(CudaContext gpu) : IDisposable
    {
        private readonly List<DeviceBuffer> _buffers = [];
        private bool _waited;

        public ulong Input<T>(T[] values) where T : unmanaged
        {
            var buffer = Output(Math.Max(1, values.Length));
            buffer.Upload<T>(values);
            return buffer.Address;
        }

        public DeviceBuffer Output(long elements)
        {
            var buffer = gpu.Allocate(Math.Max(1, elements));
            _buffers.Add(buffer);
            return buffer;
        }

        // Uploads go through the default stream, which the kernels' non-blocking stream does not wait for.
        public void Ready() => gpu.SynchronizeAll();

        public float[] Read(DeviceBuffer buffer) => Read(buffer.Address, buffer.Length);

        public float[] Read(ulong address, long length)
        {
            if (!_waited)
            {
                gpu.SynchronizeAll();
                _waited = true;
            }
            var buffer = _buffers.First(b => b.Address == address);
            var values = new float[length];
            buffer.Download<float>(values);
            return values;
        }

        public void Dispose()
        {
            gpu.SynchronizeAll();
            foreach (var buffer in _buffers) buffer.Dispose();
        }
    }
}

/// <summary>A layer's output and the gradients of its inputs, by PyTorch's names (grad_x, grad_weight, grad_bias, grad_logits).</summary>
public sealed record LayerPass(float[] Out, IReadOnlyDictionary<string, float[]> Grads);

/// <summary>The weights and optimizer state after one step (SGD: <paramref name="State2"/> is untouched).</summary>
public sealed record OptimizerPass(float[] Weights, float[] State1, float[] State2);
