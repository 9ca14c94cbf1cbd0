using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Optimizers;

/// <summary>AdamW: Adam with weight decay applied to the weights directly (decoupled), as torch.optim.AdamW.</summary>
public sealed class AdamW : Adam
{
    public AdamW(IReadOnlyList<Tensor> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, decoupled: true)
    {
    }

    /// <summary>
    /// torch.optim.AdamW([{"params": g.Parameters, "weight_decay": g.WeightDecay}, ...]): parameters in group order, each
    /// decayed by its group's rate (GPT-2 / nanoGPT decay matrices only, not biases, norms or embeddings).
    /// </summary>
    public AdamW(IReadOnlyList<ParameterGroup> groups, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f)
        : base([.. groups.SelectMany(g => g.Parameters)], [.. groups.SelectMany(g => g.Parameters.Select(_ => g.WeightDecay))],
            lr, beta1, beta2, eps, weightDecay: 0f, decoupled: true)
    {
    }
}

/// <summary>Parameters that share optimizer settings (a PyTorch param group): here, their weight decay.</summary>
public sealed record ParameterGroup(IReadOnlyList<Tensor> Parameters, float WeightDecay);
