using TrainSwarm.Tensors;

namespace TrainSwarm.Nn;

/// <summary>A network building block with named parameters, like torch.nn.Module.</summary>
public abstract class Module
{
    /// <summary>Computes the output for <paramref name="input"/>, recording autograd nodes when training.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Parameters with PyTorch state_dict names (e.g. "0.weight"), in registration order.</summary>
    public virtual IEnumerable<(string Name, Tensor Value)> NamedParameters() => [];

    /// <summary>All parameters in <see cref="NamedParameters"/> order.</summary>
    public IReadOnlyList<Tensor> Parameters() => NamedParameters().Select(p => p.Value).ToList();

    /// <summary>Total number of scalar parameters.</summary>
    public long ParameterCount => NamedParameters().Sum(p => (long)p.Value.Length);

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in NamedParameters()) p.ZeroGrad();
    }

    /// <summary>A one-line description, e.g. Linear(784, 128).</summary>
    public abstract override string ToString();

    /// <summary>A trainable tensor: persistent storage, gradient required.</summary>
    protected static Tensor NewParameter(params int[] shape)
    {
        var t = Tensor.Persistent(shape);
        t.RequiresGrad = true;
        return t;
    }
}
