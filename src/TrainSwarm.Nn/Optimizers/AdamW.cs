using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Optimizers;

/// <summary>AdamW: Adam with weight decay applied to the weights directly (decoupled), as torch.optim.AdamW.</summary>
public sealed class AdamW(
    IReadOnlyList<Tensor> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
    : Adam(parameters, lr, beta1, beta2, eps, weightDecay, decoupled: true);
