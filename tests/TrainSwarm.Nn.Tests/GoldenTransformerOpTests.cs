using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Nn.Tests;

/// <summary>
/// The transformer ops against PyTorch (tools/golden/make_golden.py, group gpt): LayerNorm, GELU (tanh), embedding with repeated
/// ids, causal multi-head attention. Tolerance as for the other layers: |ours - torch| ≤ 1e-5 + 1e-4·|torch|.
/// </summary>
public class GoldenTransformerOpTests(ITestOutputHelper log)
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

    private void Case(string file, Func<SafeTensorsFile, (Tensor Out, (Tensor T, string Key)[] Grads)> run)
    {
        var f = Open(file);
        using var scope = TensorScope.Begin();
        var (output, grads) = run(f);
        Close(file, output.Span, f, "out");
        Ops.Sum(Ops.Mul(output, Load(f, "grad_out", grad: false))).Backward();
        foreach (var (t, key) in grads) Close(file, t.Grad!.Span, f, key);
    }

    [Fact]
    public void LayerNorm() => Case("layer_norm", f =>
    {
        Tensor x = Load(f, "x"), w = Load(f, "weight"), b = Load(f, "bias");
        return (Ops.LayerNorm(x, w, b), [(x, "grad_x"), (w, "grad_weight"), (b, "grad_bias")]);
    });

    [Fact]
    public void Gelu_tanh() => Case("gelu", f => { var x = Load(f, "x"); return (Ops.Gelu(x), [(x, "grad_x")]); });

    [Fact]
    public void Embedding_with_repeated_ids() => Case("embedding", f =>
    {
        var w = Load(f, "weight");
        var ids = f["ids"].AsI64().Select(v => (int)v).ToArray();
        return (Ops.Reshape(Ops.Embedding(w, ids), 2, 5, 6), [(w, "grad_weight")]);
    });

    [Fact]
    public void Causal_self_attention() => Case("causal_attention", f =>
    {
        var qkv = Load(f, "qkv");
        return (Ops.CausalSelfAttention(qkv, int.Parse(f.Metadata["heads"])), [(qkv, "grad_qkv")]);
    });
}
