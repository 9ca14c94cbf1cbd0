using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors.Tests;

/// <summary>
/// Central finite differences against autograd for every op. The loss is Σ op(x)·R with a fixed random R so
/// every output element matters. Float32 with h = 1e-2 gives about 3 significant digits, hence the tolerance:
/// |numeric - analytic| ≤ 2e-3 + 2e-2·|analytic|. Inputs avoid ReLU kinks and max-pool ties by more than h.
/// </summary>
public class GradCheckTests(ITestOutputHelper log)
{
    private const float H = 1e-2f;
    private const double Atol = 2e-3, Rtol = 2e-2;

    private void Check(string name, Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        Tensor Loss()
        {
            var y = f(inputs);
            if (y.Length == 1) return y;
            var r = Tensor.Persistent(TestData.Uniform(y.Length, 99), y.Shape.ToArray());
            return Ops.Sum(Ops.Mul(y, r));
        }

        foreach (var t in inputs) t.Grad?.Span.Clear();
        using (TensorScope.Begin()) Loss().Backward();

        double worst = 0;
        foreach (var (t, ti) in inputs.Select((t, i) => (t, i)))
        {
            if (!t.RequiresGrad) continue;
            var analytic = t.Grad!.ToArray();
            var s = t.Span;
            for (int i = 0; i < s.Length; i++)
            {
                float saved = s[i];
                float plus, minus;
                using (GradMode.NoGrad())
                using (TensorScope.Begin())
                {
                    s[i] = saved + H; plus = Loss().Item();
                    s[i] = saved - H; minus = Loss().Item();
                }
                s[i] = saved;
                double numeric = ((double)plus - minus) / (2 * H);
                double excess = Math.Abs(numeric - analytic[i]) - Rtol * Math.Abs(analytic[i]);
                worst = Math.Max(worst, excess);
                Assert.True(excess <= Atol, $"{name}: input {ti} element {i}: numeric {numeric:G6} vs analytic {analytic[i]:G6}");
            }
        }
        log.WriteLine($"{name}: worst excess error {worst:E2} (atol {Atol}, rtol {Rtol})");
    }

    private static Tensor P(int seed, params int[] shape) => TestData.Param(TestData.Uniform(ShapeUtil.Count(shape), (ulong)seed), shape);
    private static Tensor Distinct(int seed, params int[] shape) => TestData.Param(TestData.Distinct(ShapeUtil.Count(shape), (ulong)seed), shape);

    [Fact] public void Linear() => Check("linear", t => Ops.Linear(t[0], t[1], t[2]), P(1, 3, 5), P(2, 4, 5), P(3, 4));
    [Fact] public void Linear_without_bias() => Check("linear-nobias", t => Ops.Linear(t[0], t[1]), P(1, 2, 3), P(2, 4, 3));
    [Fact] public void MatMul() => Check("matmul", t => Ops.MatMul(t[0], t[1]), P(4, 3, 4), P(5, 4, 2));
    [Fact] public void Add_broadcast() => Check("add", t => Ops.Add(t[0], t[1]), P(6, 3, 4), P(7, 4));
    [Fact] public void Mul_broadcast() => Check("mul", t => Ops.Mul(t[0], t[1]), P(8, 2, 3, 4), P(9, 3, 1));
    [Fact] public void Mul_same_shape() => Check("mul-same", t => Ops.Mul(t[0], t[1]), P(10, 2, 5), P(11, 2, 5));
    [Fact] public void Conv2d() => Check("conv2d", t => Ops.Conv2d(t[0], t[1], t[2]), P(12, 2, 2, 5, 4), P(13, 3, 2, 3, 3), P(14, 3));
    [Fact]
    public void Conv2d_stride_padding() =>
        Check("conv2d-s2p1", t => Ops.Conv2d(t[0], t[1], t[2], stride: 2, padding: 1), P(15, 1, 2, 5, 6), P(16, 2, 2, 3, 3), P(17, 2));
    [Fact] public void MaxPool2d() => Check("maxpool", t => Ops.MaxPool2d(t[0], 2), Distinct(18, 2, 2, 4, 6));
    [Fact] public void MaxPool2d_overlapping() => Check("maxpool-k3s2p1", t => Ops.MaxPool2d(t[0], 3, 2, 1), Distinct(19, 1, 2, 5, 5));
    [Fact] public void Relu() => Check("relu", t => Ops.Relu(t[0]), Distinct(20, 4, 6));
    [Fact] public void Tanh() => Check("tanh", t => Ops.Tanh(t[0]), P(21, 3, 5));
    [Fact] public void Reshape_and_flatten() => Check("reshape", t => Ops.Flatten(Ops.Reshape(t[0], 2, -1, 2)), P(22, 4, 3));
    [Fact] public void Sum() => Check("sum", t => Ops.Sum(Ops.Tanh(t[0])), P(23, 3, 4));
    [Fact] public void Mean() => Check("mean", t => Ops.Mean(Ops.Tanh(t[0])), P(24, 3, 4));
    [Fact] public void LogSoftmax() => Check("log_softmax", t => Ops.LogSoftmax(t[0]), P(25, 3, 6));
    [Fact] public void CrossEntropy() => Check("cross_entropy", t => Ops.CrossEntropy(t[0], new[] { 2, 0, 5, 1 }), P(26, 4, 6));
    [Fact] public void MseLoss() => Check("mse", t => Ops.MseLoss(t[0], t[1]), P(27, 3, 4), P(28, 3, 4));

    [Fact] public void CategoricalLogProb() => Check("categorical_log_prob", t => Ops.CategoricalLogProb(t[0], new[] { 1, 0, 2, 2 }), P(31, 4, 3));
    [Fact] public void CategoricalEntropy() => Check("categorical_entropy", t => Ops.CategoricalEntropy(t[0]), P(32, 4, 5));
    [Fact] public void LayerNorm() => Check("layer_norm", t => Ops.LayerNorm(t[0], t[1], t[2]), P(35, 2, 3, 5), P(36, 5), P(37, 5));
    [Fact] public void Gelu() => Check("gelu", t => Ops.Gelu(t[0]), P(38, 3, 7));
    [Fact] public void Embedding() => Check("embedding", t => Ops.Embedding(t[0], new[] { 2, 0, 2, 4, 1, 2 }), P(39, 5, 3));
    [Fact] public void CausalSelfAttention() => Check("attention", t => Ops.CausalSelfAttention(t[0], 2), P(40, 2, 4, 12));
    [Fact] public void CrossEntropy_over_a_sequence() => Check("cross_entropy_3d", t => Ops.CrossEntropy(t[0], new[] { 2, 0, 5, 1, 3, 3 }), P(41, 2, 3, 6));
    [Fact] public void Add_residual_and_row_broadcast() => Check("add_rows", t => Ops.Add(Ops.Add(t[0], t[1]), t[0]), P(42, 2, 3, 4), P(43, 3, 4));
    [Fact] public void Scale() => Check("scale", t => Ops.Scale(t[0], -1.5f), P(33, 2, 3));

    [Fact]
    public void ClippedSurrogate()
    {
        // Old log-probabilities put the ratios r = exp(logp - old) on both sides of the clip range [0.8, 1.2] and inside it, with
        // advantages of both signs, so every branch of min(r·A, clamp(r)·A) is taken; none sits within h of a clip edge.
        var logits = P(34, 6, 3);
        int[] actions = [0, 1, 2, 0, 1, 2];
        float[] shift = [0.5f, -0.5f, 0.05f, 0.5f, -0.5f, -0.05f];
        float[] advantages = [1.5f, 1.5f, -0.7f, -2f, -2f, 0.9f];
        float[] old = new float[6];
        using (Autograd.GradMode.NoGrad())
        using (TensorScope.Begin())
        {
            var lp = Ops.CategoricalLogProb(logits, actions).Span;
            for (int i = 0; i < 6; i++) old[i] = lp[i] - shift[i];
        }
        Check("clipped_surrogate", t => Ops.ClippedSurrogate(Ops.CategoricalLogProb(t[0], actions), old, advantages, 0.2f), logits);
    }

    [Fact]
    public void ClippedSurrogate_gives_no_gradient_where_the_clipped_term_wins()
    {
        var logProb = TestData.Param([0.5f, -0.5f, 0.5f, -0.5f], 4);
        float[] old = [0, 0, 0, 0];
        float[] advantages = [1f, -1f, -1f, 1f]; // r = e^0.5 with A > 0 and r = e^-0.5 with A < 0 are clipped; the others are not
        using var scope = TensorScope.Begin();
        var loss = Ops.ClippedSurrogate(logProb, old, advantages, 0.2f);
        double expected = -(1.2 * 1 + 0.8 * -1 + Math.Exp(0.5) * -1 + Math.Exp(-0.5) * 1) / 4;
        Assert.Equal(expected, loss.Item(), 1e-6);
        loss.Backward();
        double[] grad = [0, 0, Math.Exp(0.5) / 4, -Math.Exp(-0.5) / 4];
        for (int i = 0; i < 4; i++) Assert.Equal(grad[i], logProb.Grad!.Span[i], 1e-6);
    }

    [Fact]
    public void GrpoObjective()
    {
        // Ratios against the sampling policy on both sides of [0.8, 1.2] and inside it, advantages of both signs, reference
        // log-probabilities above and below the policy's (the k3 term's slope 1 - exp(ref - lp) takes both signs), and one masked
        // token (weight 0) whose gradient must be 0; none sits within h of a clip edge.
        var logits = P(35, 7, 3);
        int[] actions = [0, 1, 2, 0, 1, 2, 1];
        float[] shift = [0.5f, -0.5f, 0.05f, 0.5f, -0.5f, -0.05f, 0.3f];
        float[] refShift = [0.4f, -0.3f, 0.2f, -0.6f, 0.1f, -0.2f, 0.5f];
        float[] advantages = [1.5f, 1.5f, -0.7f, -2f, -2f, 0.9f, 1f];
        float[] weights = [0.1f, 0.2f, 0.15f, 0.1f, 0.25f, 0.2f, 0f];
        float[] old = new float[7], reference = new float[7];
        using (Autograd.GradMode.NoGrad())
        using (TensorScope.Begin())
        {
            var lp = Ops.CategoricalLogProb(logits, actions).Span;
            for (int i = 0; i < 7; i++) (old[i], reference[i]) = (lp[i] - shift[i], lp[i] + refShift[i]);
        }
        Check("grpo_objective", t => Ops.GrpoObjective(Ops.CategoricalLogProb(t[0], actions), old, reference, advantages, weights, 0.2f, 0.5f), logits);
        Assert.True(logits.Grad!.Span.Slice(6 * 3, 3).ToArray().All(g => g == 0), "the masked token got a gradient");
    }

    [Fact]
    public void GrpoObjective_equals_the_formula_on_hand_values()
    {
        // lp = old = ref: ratio 1 and KL 0, so the loss is -Σ w·A and the slope -w·A. Then a clipped token and a KL-only token.
        var logProb = TestData.Param([-1f, -2f, -0.5f, -1f], 4);
        float[] old = [-1f, -2f, -1f, -1f];          // token 2: r = e^0.5 > 1.2 with A > 0, so the clipped 1.2·A wins (no slope)
        float[] reference = [-1f, -2f, -0.5f, -1.5f]; // token 3: ref - lp = -0.5, k3 = e^-0.5 + 0.5 - 1
        float[] advantages = [2f, -1f, 1f, 0f];
        float[] weights = [0.5f, 0.25f, 0.25f, 1f];
        const float beta = 0.1f;
        using var scope = TensorScope.Begin();
        var loss = Ops.GrpoObjective(logProb, old, reference, advantages, weights, 0.2f, beta);
        double k3 = Math.Exp(-0.5) + 0.5 - 1;
        double expected = -(0.5 * 2 + 0.25 * -1 + 0.25 * 1.2 * 1) + 1 * beta * k3;
        Assert.Equal(expected, loss.Item(), 1e-6);
        loss.Backward();
        double[] grad = [-0.5 * 2, -0.25 * -1, 0, beta * (1 - Math.Exp(-0.5))];
        for (int i = 0; i < 4; i++) Assert.Equal(grad[i], logProb.Grad!.Span[i], 1e-6);
    }

    [Fact]
    public void GrpoObjective_rejects_mismatched_lengths()
    {
        var logProb = TestData.Param([0f, 0f], 2);
        var e = Assert.Throws<ArgumentException>(() => Ops.GrpoObjective(logProb, [0f, 0f], [0f], [0f, 0f], [1f, 1f], 0.2f, 0.04f));
        Assert.Contains("for 2 tokens", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.GrpoObjective(logProb, [0f, 0f], [0f, 0f], [0f, 0f], [1f, 1f], 0.2f, -1f));
    }

    [Fact]
    public void Categorical_entropy_of_uniform_logits_is_log_c()
    {
        using var scope = TensorScope.Begin();
        var h = Ops.CategoricalEntropy(Tensor.FromArray([0f, 0f, 0f, 0f, 3f, 3f, 3f, 3f], 2, 4));
        Assert.Equal(MathF.Log(4f), h.Span[0], 6);
        Assert.Equal(MathF.Log(4f), h.Span[1], 6);
    }

    [Fact]
    public void A_tensor_used_twice_accumulates_both_contributions() =>
        Check("reuse", t => Ops.Add(Ops.Mul(t[0], t[0]), Ops.Tanh(t[0])), P(29, 2, 3));

    [Fact]
    public void Bad_targets_are_rejected()
    {
        var logits = P(30, 2, 3);
        var e = Assert.Throws<ArgumentException>(() => Ops.CrossEntropy(logits, new[] { 0, 3 }));
        Assert.Contains("outside the 3 classes", e.Message);
        Assert.Throws<ArgumentException>(() => Ops.CrossEntropy(logits, new[] { 0 }));
    }
}
