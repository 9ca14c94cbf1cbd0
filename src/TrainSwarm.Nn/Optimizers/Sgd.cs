using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay (torch.optim.SGD).</summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[]? _momentum;
    private bool _started;

    public Sgd(IReadOnlyList<Tensor> parameters, float lr, float momentum = 0f, bool nesterov = false, float weightDecay = 0f, float dampening = 0f)
        : base(parameters)
    {
        if (lr < 0 || momentum < 0 || weightDecay < 0) throw new ArgumentException("lr, momentum and weight decay must be non-negative");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum needs momentum > 0 and no dampening");
        LearningRate = lr;
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        Dampening = dampening;
        if (momentum != 0) _momentum = NewState();
    }

    public float Momentum { get; }
    public bool Nesterov { get; }
    public float WeightDecay { get; }
    public float Dampening { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> State => _momentum ?? [];

    /// <inheritdoc/>
    public override void Resume(int stepsTaken)
    {
        base.Resume(stepsTaken);
        _started = stepsTaken > 0;
    }

    public override void Step()
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is null) continue;
            var w = p.Span;
            var g = p.Grad.Span;
            var buf = _momentum is null ? default : _momentum[i].Span;
            for (int j = 0; j < w.Length; j++)
            {
                float d = g[j];
                if (WeightDecay != 0) d += WeightDecay * w[j];
                if (_momentum is not null)
                {
                    // The first step seeds the buffer with the gradient itself, as PyTorch does.
                    buf[j] = _started ? Momentum * buf[j] + (1 - Dampening) * d : d;
                    d = Nesterov ? d + Momentum * buf[j] : buf[j];
                }
                w[j] -= LearningRate * d;
            }
        }
        _started = true;
    }
}
