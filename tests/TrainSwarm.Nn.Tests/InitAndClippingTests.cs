using TrainSwarm.Nn.Init;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Nn.Tests;

/// <summary>Orthogonal initialization (torch.nn.init.orthogonal_) and clip_grad_norm_. Tolerance 1e-5 (float32 storage of a double Q).</summary>
public class InitAndClippingTests
{
    [Theory]
    [InlineData(64, 4, 1.4142135f)]
    [InlineData(2, 64, 0.01f)]
    [InlineData(16, 16, 1f)]
    public void Orthogonal_weights_have_orthonormal_rows_or_columns_times_the_gain(int rows, int cols, float gain)
    {
        var w = Tensor.Persistent(rows, cols);
        Initializers.Orthogonal(w, gain, new Rng(5));
        int k = Math.Min(rows, cols), n = Math.Max(rows, cols);
        var s = w.Span;
        double worst = 0;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double dot = 0;
                for (int t = 0; t < n; t++)
                    dot += rows <= cols ? (double)s[i * cols + t] * s[j * cols + t] : (double)s[t * cols + i] * s[t * cols + j];
                worst = Math.Max(worst, Math.Abs(dot / (gain * (double)gain) - (i == j ? 1 : 0)));
            }
        Assert.True(worst < 1e-5, $"worst |QᵀQ/gain² - I| = {worst:E2}");
        var again = Tensor.Persistent(rows, cols);
        Initializers.Orthogonal(again, gain, new Rng(5));
        Assert.True(s.SequenceEqual(again.Span), "the same seed must give the same weights");
    }

    [Fact]
    public void Clipping_leaves_small_gradients_alone_and_scales_large_ones_to_the_max_norm()
    {
        var p = Tensor.Persistent([0f, 0f, 0f], 3);
        p.RequiresGrad = true;
        using (TensorScope.Begin()) Ops.Sum(Ops.Mul(p, Tensor.FromArray([0.1f, 0.2f, 0.2f], 3))).Backward();
        Assert.Equal(0.3, GradientClipping.ClipGradNorm([p], 0.5), 1e-6);
        Assert.Equal([0.1f, 0.2f, 0.2f], p.Grad!.ToArray());

        using (TensorScope.Begin()) Ops.Sum(Ops.Mul(p, Tensor.FromArray([2.9f, 5.8f, 5.8f], 3))).Backward(); // grads now 3, 6, 6: norm 9
        Assert.Equal(9.0, GradientClipping.ClipGradNorm([p], 0.5), 1e-5);
        var g = p.Grad.ToArray();
        Assert.Equal(0.5, Math.Sqrt(g.Sum(v => (double)v * v)), 1e-5);
    }
}
