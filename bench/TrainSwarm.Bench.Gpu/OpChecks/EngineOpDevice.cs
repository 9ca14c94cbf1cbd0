using TrainSwarm.Cuda.Ops;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;
using TrainSwarm.Tensors.Kernels;

namespace TrainSwarm.Bench.Gpu.OpChecks;

/// <summary>
/// The CPU engine's answers to the same calls: its ops with autograd (backward of Σ out·grad_out), its GEMM and its optimizers. This is the
/// GPU's twin in `swarm bench gpu-ops`, and in CI (no GPU) the device the checker itself is tested on against PyTorch's golden values.
/// </summary>
public sealed class EngineOpDevice : IOpDevice
{
    public string Name => $"cpu engine ({Engine.DeviceKind})";

    public float[] Gemm(bool transA, bool transB, int m, int n, int k, float[] a, float[] b)
    {
        var c = new float[(long)m * n];
        TrainSwarm.Tensors.Kernels.Gemm.Sgemm(transA, transB, m, n, k, 1f, a, transA ? m : k, b, transB ? k : n, 0f, c, n);
        return c;
    }

    public LayerPass Linear(float[] x, float[] weight, float[] bias, int rows, int inputs, int outputs, bool relu, float[] gradOut) =>
        Layer(gradOut, [("grad_x", x, [rows, inputs]), ("grad_weight", weight, [outputs, inputs]), ("grad_bias", bias, [outputs])], t =>
        {
            var y = Ops.Linear(t[0], t[1], t[2]);
            return relu ? Ops.Relu(y) : y;
        });

    public LayerPass Relu(float[] x, float[] gradOut) => Layer(gradOut, [("grad_x", x, [x.Length])], t => Ops.Relu(t[0]));

    public LayerPass SoftmaxCrossEntropy(float[] logits, int[] targets, int cols)
    {
        using var scope = TensorScope.Begin();
        var input = Input(logits, [targets.Length, cols]);
        var loss = Ops.CrossEntropy(input, targets);
        loss.Backward();
        return new LayerPass(loss.Span.ToArray(), new Dictionary<string, float[]> { ["grad_logits"] = input.Grad!.Span.ToArray() });
    }

    public LayerPass Conv2d(float[] x, float[] weight, float[] bias, ConvShape shape, bool relu, float[] gradOut)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Layer(gradOut, [("grad_x", x, [shape.Batch, shape.Channels, shape.Height, shape.Width]),
            ("grad_weight", weight, [shape.OutChannels, shape.Channels, shape.Kernel, shape.Kernel]), ("grad_bias", bias, [shape.OutChannels])], t =>
        {
            var y = Ops.Conv2d(t[0], t[1], t[2]);
            return relu ? Ops.Relu(y) : y;
        });
    }

    public LayerPass MaxPool2(float[] x, int planes, int h, int w, float[] gradOut) =>
        Layer(gradOut, [("grad_x", x, [1, planes, h, w])], t => Ops.MaxPool2d(t[0], 2));

    public OptimizerPass OptimizerStep(GpuOptimizerSettings optimizer, int step, float[] weights, float[] gradients, float[] state1, float[] state2)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        using var scope = TensorScope.Begin();
        var p = Input(weights, [weights.Length]);
        Optimizer opt = optimizer.Name == "adam"
            ? new Adam([p], optimizer.LearningRate, optimizer.Beta1, optimizer.Beta2, optimizer.Eps)
            : new Sgd([p], optimizer.LearningRate, optimizer.Momentum);
        state1.CopyTo(opt.State[0].Span);
        if (optimizer.Name == "adam") state2.CopyTo(opt.State[1].Span);
        opt.Resume(step - 1);
        // Σ p·g has gradient g exactly: the one way to hand the optimizer a chosen gradient through autograd.
        Ops.Sum(Ops.Mul(p, Tensor.Persistent(gradients, weights.Length))).Backward();
        using (GradMode.NoGrad()) opt.Step();
        return new OptimizerPass(p.Span.ToArray(), opt.State[0].Span.ToArray(),
            optimizer.Name == "adam" ? opt.State[1].Span.ToArray() : (float[])state2.Clone());
    }

    public ModelPass TrainSteps(string model, IReadOnlyList<float[]> initial, float[] x, int[] targets, GpuOptimizerSettings optimizer, int steps)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var net = ModelPresets.Create(model, 0);
        var parameters = net.Parameters();
        if (parameters.Count != initial.Count) throw new ArgumentException($"{model} has {parameters.Count} parameter tensors, got {initial.Count}");
        for (int i = 0; i < parameters.Count; i++) initial[i].CopyTo(parameters[i].Span);
        Optimizer opt = optimizer.Name == "adam"
            ? new Adam(parameters, optimizer.LearningRate, optimizer.Beta1, optimizer.Beta2, optimizer.Eps)
            : new Sgd(parameters, optimizer.LearningRate, optimizer.Momentum);
        var input = Tensor.Persistent(x, targets.Length, 1, 28, 28);
        var after = new List<float[][]>();
        float loss = float.NaN;
        for (int step = 0; step < steps; step++)
        {
            using var scope = TensorScope.Begin();
            opt.ZeroGrad();
            var l = Ops.CrossEntropy(net.Forward(input), targets);
            if (step == 0) loss = l.Span[0];
            l.Backward();
            using (GradMode.NoGrad()) opt.Step();
            after.Add([.. parameters.Select(p => p.Span.ToArray())]);
        }
        return new ModelPass(loss, after);
    }

    // Runs op on fresh leaf tensors of the inputs, then backward of Σ out·grad_out; the gradients come back under their names.
    private static LayerPass Layer(float[] gradOut, (string Grad, float[] Values, int[] Shape)[] inputs, Func<Tensor[], Tensor> op)
    {
        using var scope = TensorScope.Begin();
        var leaves = inputs.Select(i => Input(i.Values, i.Shape)).ToArray();
        var output = op(leaves);
        if (output.Length != gradOut.Length) throw new ArgumentException($"grad_out holds {gradOut.Length} values, the output {output.Length}");
        Ops.Sum(Ops.Mul(output, Tensor.Persistent(gradOut, [.. output.Shape]))).Backward();
        var grads = new Dictionary<string, float[]>();
        for (int i = 0; i < inputs.Length; i++) grads[inputs[i].Grad] = leaves[i].Grad!.Span.ToArray();
        return new LayerPass(output.Span.ToArray(), grads);
    }

    private static Tensor Input(float[] values, int[] shape)
    {
        var t = Tensor.Persistent(values, shape);
        t.RequiresGrad = true;
        return t;
    }
}
