using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Optimizers;

/// <summary>Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_ (norm type 2).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales every gradient by min(1, maxNorm / (total + 1e-6)), with total the 2-norm of all gradients together, and returns that
    /// total. Squares are summed in double, parameter by parameter in order, so the result does not depend on thread count.
    /// </summary>
    public static double ClipGradNorm(IReadOnlyList<Tensor> parameters, double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), "max norm must be positive");
        double sum = 0;
        foreach (var p in parameters)
        {
            if (p.Grad is null) continue;
            foreach (float g in p.Grad.Span) sum += (double)g * g;
        }
        double total = Math.Sqrt(sum);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1)
        {
            float c = (float)coef;
            foreach (var p in parameters)
                if (p.Grad is not null) System.Numerics.Tensors.TensorPrimitives.Multiply(p.Grad.Span, c, p.Grad.Span);
        }
        return total;
    }
}
