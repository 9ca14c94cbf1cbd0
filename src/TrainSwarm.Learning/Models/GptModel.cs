using TrainSwarm.Nn;
using TrainSwarm.Nn.Layers;
using TrainSwarm.Nn.Layers.Transformer;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Models;

/// <summary>
/// A GPT-2-style decoder: token + learned positional embeddings, pre-norm blocks, final LayerNorm and an LM head tied
/// to the token embedding (logits = x·wteᵀ, no bias), as nanoGPT's GPT. Parameter names are that module's state_dict
/// without the "transformer." prefix: wte.weight, wpe.weight, h.0.ln_1.weight, h.0.attn.c_attn.weight, ..., ln_f.bias.
/// Linear weights are stored (out, in) as torch.nn.Linear (not Hugging Face's Conv1D (in, out)); tools/gpt/gpt2.py is the
/// matching PyTorch module. The tied head has no tensor of its own, so the file holds no lm_head.weight.
/// </summary>
public sealed class GptModel : Module
{
    public GptModel(GptConfig config, ulong seed) : this(config, new Rng(seed))
    {
    }

    public GptModel(GptConfig config, Rng rng)
    {
        config.Validate();
        Config = config;
        Wte = new Embedding(config.VocabSize, config.Channels, rng);
        Wpe = new Embedding(config.BlockSize, config.Channels, rng);
        Blocks = [.. Enumerable.Range(0, config.Layers).Select(_ => new TransformerBlock(config.Channels, config.Heads, config.Layers, rng))];
        LnF = new LayerNorm(config.Channels);
    }

    public GptConfig Config { get; }
    public Embedding Wte { get; }
    public Embedding Wpe { get; }
    public IReadOnlyList<TransformerBlock> Blocks { get; }
    public LayerNorm LnF { get; }

    /// <summary>Logits (B, T, V) for token ids (B·T, row-major), T at most the block size.</summary>
    public Tensor Forward(ReadOnlySpan<int> ids, int batch, int time)
    {
        if (batch < 1 || time < 1 || ids.Length != batch * time)
            throw new ArgumentException($"{ids.Length} ids do not make {batch} sequences of {time}");
        if (time > Config.BlockSize) throw new ArgumentException($"sequence length {time} is longer than the context {Config.BlockSize}");
        var positions = new int[ids.Length];
        for (int i = 0; i < positions.Length; i++) positions[i] = i % time;
        int c = Config.Channels;
        var x = Ops.Reshape(Ops.Add(Wte.Forward(ids), Wpe.Forward(positions)), batch, time, c);
        foreach (var block in Blocks) x = block.Forward(x);
        x = LnF.Forward(x);
        var logits = Ops.Linear(Ops.Reshape(x, batch * time, c), Wte.Weight);
        return Ops.Reshape(logits, batch, time, Config.VocabSize);
    }

    /// <summary>Logits for ids held in a (B, T) float tensor of whole numbers (the <see cref="Module"/> entry point).</summary>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 2) throw new ArgumentException($"a GPT takes ids (B, T); got {input.ShapeText}");
        var ids = new int[input.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = (int)input.Span[i];
            if (ids[i] != input.Span[i]) throw new ArgumentException($"token ids must be whole numbers; got {input.Span[i]}");
        }
        return Forward(ids, input.Size(0), input.Size(1));
    }

    public override IEnumerable<(string Name, Tensor Value)> NamedParameters()
    {
        yield return ("wte.weight", Wte.Weight);
        yield return ("wpe.weight", Wpe.Weight);
        for (int i = 0; i < Blocks.Count; i++)
            foreach (var (name, value) in Blocks[i].NamedParameters())
                yield return ($"h.{i}.{name}", value);
        yield return ("ln_f.weight", LnF.Weight);
        yield return ("ln_f.bias", LnF.Bias);
    }

    /// <summary>
    /// AdamW's parameter groups as minGPT/nanoGPT set them: weight decay on the Linear weights (the matrices of attention and MLP),
    /// none on biases, LayerNorm parameters or the embeddings (the token embedding is also the tied head).
    /// </summary>
    public IReadOnlyList<ParameterGroup> ParameterGroups(float weightDecay)
    {
        var decay = new List<Tensor>();
        var none = new List<Tensor>();
        foreach (var (name, value) in NamedParameters())
            (IsDecayed(name) ? decay : none).Add(value);
        return [new ParameterGroup(decay, weightDecay), new ParameterGroup(none, 0f)];
    }

    /// <summary>Whether a parameter of this name is in the decayed group: the weights of c_attn, c_proj and c_fc.</summary>
    public static bool IsDecayed(string name) =>
        name.EndsWith(".weight", StringComparison.Ordinal) && (name.Contains(".attn.") || name.Contains(".mlp."));

    public override string ToString() =>
        $"GPT(vocab={Config.VocabSize}, block={Config.BlockSize}, layers={Config.Layers}, heads={Config.Heads}, width={Config.Channels})";
}
