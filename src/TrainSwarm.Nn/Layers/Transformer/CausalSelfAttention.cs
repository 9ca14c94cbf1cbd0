using TrainSwarm.Nn.Init;
using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers.Transformer;

/// <summary>
/// GPT-2's attention sub-layer, as nanoGPT's CausalSelfAttention: c_attn Linear(C, 3C) (the fused QKV projection),
/// causal multi-head scaled dot-product attention, c_proj Linear(C, C). Input and output (B, T, C).
/// </summary>
public sealed class CausalSelfAttention : Module
{
    public CausalSelfAttention(int channels, int heads, Rng rng, float projStd)
    {
        if (heads < 1 || channels % heads != 0) throw new ArgumentException($"{channels} channels do not split into {heads} heads");
        Heads = heads;
        CAttn = GptInit.Linear(channels, 3 * channels, rng, 0.02f);
        CProj = GptInit.Linear(channels, channels, rng, projStd);
    }

    public int Heads { get; }
    public Linear CAttn { get; }
    public Linear CProj { get; }

    public override Tensor Forward(Tensor input)
    {
        int b = input.Size(0), t = input.Size(1), c = input.Size(2);
        var qkv = CAttn.Forward(Ops.Reshape(input, b * t, c));
        var y = Ops.CausalSelfAttention(Ops.Reshape(qkv, b, t, 3 * c), Heads);
        return Ops.Reshape(CProj.Forward(Ops.Reshape(y, b * t, c)), b, t, c);
    }

    public override IEnumerable<(string Name, Tensor Value)> NamedParameters() =>
        GptInit.Prefixed("c_attn", CAttn).Concat(GptInit.Prefixed("c_proj", CProj));

    public override string ToString() => $"CausalSelfAttention({CAttn.InFeatures}, heads={Heads})";
}

/// <summary>GPT-2's feed-forward sub-layer: c_fc Linear(C, 4C), GELU (tanh), c_proj Linear(4C, C). Input and output (B, T, C).</summary>
public sealed class Mlp : Module
{
    public Mlp(int channels, Rng rng, float projStd)
    {
        CFc = GptInit.Linear(channels, 4 * channels, rng, 0.02f);
        CProj = GptInit.Linear(4 * channels, channels, rng, projStd);
    }

    public Linear CFc { get; }
    public Linear CProj { get; }

    public override Tensor Forward(Tensor input)
    {
        int b = input.Size(0), t = input.Size(1), c = input.Size(2);
        var h = Ops.Gelu(CFc.Forward(Ops.Reshape(input, b * t, c)));
        return Ops.Reshape(CProj.Forward(h), b, t, c);
    }

    public override IEnumerable<(string Name, Tensor Value)> NamedParameters() =>
        GptInit.Prefixed("c_fc", CFc).Concat(GptInit.Prefixed("c_proj", CProj));

    public override string ToString() => $"Mlp({CFc.InFeatures}, {CFc.OutFeatures})";
}

/// <summary>A pre-norm residual block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). Input and output (B, T, C).</summary>
public sealed class TransformerBlock : Module
{
    public TransformerBlock(int channels, int heads, int layers, Rng rng)
    {
        // GPT-2 scales the residual projections' init by 1/√(2·layers) so the residual stream's variance does not grow with depth.
        float projStd = 0.02f / MathF.Sqrt(2f * layers);
        Ln1 = new LayerNorm(channels);
        Attn = new CausalSelfAttention(channels, heads, rng, projStd);
        Ln2 = new LayerNorm(channels);
        Mlp = new Mlp(channels, rng, projStd);
    }

    public LayerNorm Ln1 { get; }
    public CausalSelfAttention Attn { get; }
    public LayerNorm Ln2 { get; }
    public Mlp Mlp { get; }

    public override Tensor Forward(Tensor input)
    {
        var x = Ops.Add(input, Attn.Forward(Ln1.Forward(input)));
        return Ops.Add(x, Mlp.Forward(Ln2.Forward(x)));
    }

    public override IEnumerable<(string Name, Tensor Value)> NamedParameters() =>
        GptInit.Prefixed("ln_1", Ln1).Concat(GptInit.Prefixed("attn", Attn))
            .Concat(GptInit.Prefixed("ln_2", Ln2)).Concat(GptInit.Prefixed("mlp", Mlp));

    public override string ToString() => $"Block({Attn}, {Mlp})";
}

/// <summary>GPT-2's initialization and the state_dict naming shared by the transformer layers.</summary>
public static class GptInit
{
    /// <summary>A Linear with weight ~ N(0, std²) and a zero bias.</summary>
    public static Linear Linear(int inFeatures, int outFeatures, Rng rng, float std)
    {
        var layer = new Linear(inFeatures, outFeatures, rng);
        Initializers.Normal(layer.Weight, std, rng);
        Initializers.Constant(layer.Bias!, 0f);
        return layer;
    }

    /// <summary>A child's parameters under "prefix.", as torch names a submodule's.</summary>
    public static IEnumerable<(string Name, Tensor Value)> Prefixed(string prefix, Module child) =>
        child.NamedParameters().Select(p => ($"{prefix}.{p.Name}", p.Value));
}
