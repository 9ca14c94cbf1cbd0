using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Optimizers;

/// <summary>Updates parameters from their gradients, like torch.optim.Optimizer.</summary>
public abstract class Optimizer
{
    protected Optimizer(IReadOnlyList<Tensor> parameters)
    {
        if (parameters.Count == 0) throw new ArgumentException("an optimizer needs at least one parameter");
        Parameters = parameters;
    }

    /// <summary>The tensors this optimizer updates.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Learning rate; may change between steps (schedules).</summary>
    public float LearningRate { get; set; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public abstract void Step();

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <summary>
    /// The optimizer's state tensors (moments, momentum buffers), in a fixed order, so a checkpoint can save them and a
    /// replay can resume mid-run bitwise. Empty for a stateless optimizer.
    /// </summary>
    public virtual IReadOnlyList<Tensor> State => [];

    /// <summary>
    /// Sets the scalar state after <paramref name="stepsTaken"/> steps (Adam's bias-correction count, SGD's first-step
    /// flag); with <see cref="State"/> copied back this resumes exactly where a run left off.
    /// </summary>
    public virtual void Resume(int stepsTaken) => ArgumentOutOfRangeException.ThrowIfNegative(stepsTaken);

    /// <summary>One zeroed state tensor per parameter (moments, momentum buffers).</summary>
    protected Tensor[] NewState() => Parameters.Select(p => Tensor.Persistent(p.Shape.ToArray())).ToArray();
}
