using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Nn.Tests;

/// <summary>
/// Forward values and gradients of every op match PyTorch's golden values (tools/golden/make_golden.py).
/// Tolerance: |ours - torch| ≤ 1e-5 + 1e-4·|torch| (float32 with different summation orders).
/// </summary>
public class GoldenLayerTests(ITestOutputHelper log)
{
    private const double Atol = 1e-5, Rtol = 1e-4;
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "golden");

    private static SafeTensorsFile Open(string name) => SafeTensorsReader.Read(Path.Combine(Dir, name + ".safetensors"));

    private static Tensor Load(SafeTensorsFile f, string key, bool grad = true)
    {
        var t = Tensor.Persistent(f[key].AsF32(), [.. f[key].Shape]);
        t.RequiresGrad = grad;
        return t;
    }

    private void Close(string what, ReadOnlySpan<float> actual, SafeTensorsFile f, string key)
    {
        var expected = f[key].AsF32();
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = Math.Abs(actual[i] - (double)expected[i]) - Rtol * Math.Abs(expected[i]);
            if (e > worst || double.IsNaN(actual[i])) { worst = double.IsNaN(actual[i]) ? double.PositiveInfinity : e; at = i; }
        }
        log.WriteLine($"{what} {key}: worst excess {worst:E2} (atol {Atol:E0}, rtol {Rtol:E0})");
        Assert.True(worst <= Atol, $"{what} {key}[{at}] = {actual[at]}, torch {expected[at]}");
    }

    /// <summary>Runs the op, compares its output, then backward of Σ out·grad_out and compares each gradient.</summary>
    private void LayerCase(string file, Func<SafeTensorsFile, (Tensor Out, (Tensor T, string Key)[] Grads)> run)
    {
        var f = Open(file);
        using var scope = TensorScope.Begin();
        var (output, grads) = run(f);
        Close(file, output.Span, f, "out");
        Ops.Sum(Ops.Mul(output, Load(f, "grad_out", grad: false))).Backward();
        foreach (var (t, key) in grads) Close(file, t.Grad!.Span, f, key);
    }

    [Fact]
    public void Linear() => LayerCase("linear", f =>
    {
        Tensor x = Load(f, "x"), w = Load(f, "weight"), b = Load(f, "bias");
        return (Ops.Linear(x, w, b), [(x, "grad_x"), (w, "grad_weight"), (b, "grad_bias")]);
    });

    [Fact]
    public void Conv2d() => LayerCase("conv2d", f =>
    {
        Tensor x = Load(f, "x"), w = Load(f, "weight"), b = Load(f, "bias");
        return (Ops.Conv2d(x, w, b), [(x, "grad_x"), (w, "grad_weight"), (b, "grad_bias")]);
    });

    [Fact]
    public void Conv2d_with_padding_and_stride() => LayerCase("conv2d_pad_stride", f =>
    {
        Tensor x = Load(f, "x"), w = Load(f, "weight"), b = Load(f, "bias");
        return (Ops.Conv2d(x, w, b, stride: 2, padding: 1), [(x, "grad_x"), (w, "grad_weight"), (b, "grad_bias")]);
    });

    [Fact]
    public void MaxPool2d() => LayerCase("maxpool2d", f => { var x = Load(f, "x"); return (Ops.MaxPool2d(x, 2), [(x, "grad_x")]); });

    [Fact]
    public void Relu() => LayerCase("relu", f => { var x = Load(f, "x"); return (Ops.Relu(x), [(x, "grad_x")]); });

    [Fact]
    public void Tanh() => LayerCase("tanh", f => { var x = Load(f, "x"); return (Ops.Tanh(x), [(x, "grad_x")]); });

    [Fact]
    public void LogSoftmax() => LayerCase("log_softmax", f => { var x = Load(f, "x"); return (Ops.LogSoftmax(x), [(x, "grad_x")]); });

    [Fact]
    public void CrossEntropy()
    {
        var f = Open("cross_entropy");
        using var scope = TensorScope.Begin();
        var logits = Load(f, "logits");
        var targets = f["targets"].AsI64().Select(v => (int)v).ToArray();
        var loss = Ops.CrossEntropy(logits, targets);
        Close("cross_entropy", loss.Span, f, "out");
        loss.Backward();
        Close("cross_entropy", logits.Grad!.Span, f, "grad_logits");
    }

    [Fact]
    public void Mse()
    {
        var f = Open("mse");
        using var scope = TensorScope.Begin();
        Tensor a = Load(f, "a"), b = Load(f, "b", grad: false);
        var loss = Ops.MseLoss(a, b);
        Close("mse", loss.Span, f, "out");
        loss.Backward();
        Close("mse", a.Grad!.Span, f, "grad_a");
    }

    [Fact]
    public void Categorical_log_prob_and_entropy()
    {
        var f = Open("categorical");
        using var scope = TensorScope.Begin();
        var logits = Load(f, "logits");
        var actions = f["actions"].AsI64().Select(v => (int)v).ToArray();
        var logProb = Ops.CategoricalLogProb(logits, actions);
        Close("categorical", logProb.Span, f, "log_prob");
        Ops.Sum(Ops.Mul(logProb, Load(f, "grad_out_log_prob", grad: false))).Backward();
        Close("categorical", logits.Grad!.Span, f, "grad_logits_log_prob");

        logits.Grad.Span.Clear();
        var entropy = Ops.CategoricalEntropy(logits);
        Close("categorical", entropy.Span, f, "entropy");
        Ops.Sum(Ops.Mul(entropy, Load(f, "grad_out_entropy", grad: false))).Backward();
        Close("categorical", logits.Grad.Span, f, "grad_logits_entropy");
    }

    [Fact]
    public void Ppo_clipped_surrogate()
    {
        var f = Open("ppo_surrogate");
        using var scope = TensorScope.Begin();
        var logits = Load(f, "logits");
        var actions = f["actions"].AsI64().Select(v => (int)v).ToArray();
        float clip = float.Parse(f.Metadata["clip_range"], System.Globalization.CultureInfo.InvariantCulture);
        var loss = Ops.ClippedSurrogate(Ops.CategoricalLogProb(logits, actions), f["old_log_prob"].AsF32(), f["advantages"].AsF32(), clip);
        Close("ppo_surrogate", loss.Span, f, "out");
        loss.Backward();
        Close("ppo_surrogate", logits.Grad!.Span, f, "grad_logits");
    }
}
