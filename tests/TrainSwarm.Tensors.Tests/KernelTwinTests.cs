using TrainSwarm.Tensors.Autograd;
using TrainSwarm.Tensors.Kernels;

namespace TrainSwarm.Tensors.Tests;

public class KernelTwinTests(ITestOutputHelper log)
{
    public static TheoryData<int, int, int, int, int, int, int, int> ConvCases() => new()
    {
        // batch, C, H, W, OC, K, stride, padding
        { 2, 3, 7, 6, 4, 3, 1, 0 },
        { 2, 2, 9, 8, 3, 3, 2, 1 },
        { 1, 1, 5, 5, 1, 5, 1, 0 },
        { 3, 4, 6, 5, 2, 1, 1, 0 },
        { 2, 1, 28, 28, 8, 3, 1, 0 },
        { 1, 3, 8, 8, 5, 3, 1, 2 },
        { 2, 2, 11, 7, 3, 2, 3, 1 },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2d_im2col_gemm_matches_direct_convolution(int batch, int c, int h, int w, int oc, int k, int stride, int pad)
    {
        var g = new ConvGeometry(batch, c, h, w, k, k, stride, pad);
        var x = TestData.Uniform(batch * c * h * w, 11);
        var wt = TestData.Uniform(oc * c * k * k, 12);
        var bias = TestData.Uniform(oc, 13);
        var dyValues = TestData.Uniform(batch * oc * g.OutPlane, 14);

        var yNaive = new float[batch * oc * g.OutPlane];
        NaiveKernels.Conv2dForward(x, wt, bias, yNaive, g, oc);
        var dxNaive = new float[x.Length];
        var dwNaive = new float[wt.Length];
        var dbNaive = new float[oc];
        NaiveKernels.Conv2dBackward(x, wt, dyValues, dxNaive, dwNaive, dbNaive, g, oc);

        using var scope = TensorScope.Begin();
        var xt = TestData.Param(x, batch, c, h, w);
        var wtT = TestData.Param(wt, oc, c, k, k);
        var bT = TestData.Param(bias, oc);
        var y = Ops.Conv2d(xt, wtT, bT, stride, pad);
        TestData.AssertClose(y.Span, yNaive, 1e-5, 1e-5, log, "forward");
        var dy = Tensor.Persistent(dyValues, y.Shape.ToArray());
        Ops.Sum(Ops.Mul(y, dy)).Backward();
        TestData.AssertClose(xt.Grad!.Span, dxNaive, 1e-5, 1e-5, log, "dx");
        TestData.AssertClose(wtT.Grad!.Span, dwNaive, 1e-4, 1e-5, log, "dw");
        TestData.AssertClose(bT.Grad!.Span, dbNaive, 1e-4, 1e-5, log, "db");
    }

    [Theory]
    [InlineData(2, 3, 6, 6, 2, 2, 0)]
    [InlineData(2, 32, 26, 26, 2, 2, 0)]
    [InlineData(1, 2, 7, 5, 3, 2, 1)]
    [InlineData(2, 1, 5, 5, 2, 1, 0)]
    [InlineData(2, 4, 11, 11, 2, 2, 0)]
    [InlineData(1, 3, 17, 15, 2, 2, 0)]
    public void MaxPool_matches_the_scanning_twin(int batch, int c, int h, int w, int k, int stride, int pad)
    {
        var g = new ConvGeometry(batch, c, h, w, k, k, stride, pad);
        var x = TestData.Uniform(batch * c * h * w, 21);
        int n = batch * c * g.OutPlane;
        var y = new float[n]; var arg = new int[n];
        var yN = new float[n]; var argN = new int[n];
        MaxPool.Forward(x, y, arg, g);
        NaiveKernels.MaxPoolForward(x, yN, argN, g);
        Assert.Equal(yN, y);
        Assert.Equal(argN, arg);
    }

    [Theory]
    [InlineData(20)] // ten windows a row: an 8-wide block and an overlapping one
    [InlineData(14)] // seven: 4-wide blocks
    [InlineData(6)]  // three: one window at a time
    public void MaxPool_vector_paths_keep_first_winner_on_ties_and_NaN(int width)
    {
        // 2 images × 3 channels of 6×width, values from a small set so that ties are common, and a few NaNs,
        // which PyTorch lets win.
        var g = new ConvGeometry(2, 3, 6, width, 2, 2, 2, 0);
        var rng = new Rng(5);
        var x = new float[2 * 3 * 6 * width];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextInt(3);
        x[7] = float.NaN; x[130] = float.NaN; x[131] = float.NaN;
        int n = 2 * 3 * g.OutPlane;
        var y = new float[n]; var arg = new int[n]; var yN = new float[n]; var argN = new int[n];
        MaxPool.Forward(x, y, arg, g);
        NaiveKernels.MaxPoolForward(x, yN, argN, g);
        Assert.Equal(argN, arg);
        Assert.Equal(yN, y);
    }

    [Fact]
    public void MaxPool_ties_go_to_the_first_element_like_PyTorch()
    {
        var g = new ConvGeometry(1, 1, 2, 2, 2, 2, 2, 0);
        var y = new float[1]; var arg = new int[1];
        MaxPool.Forward(new float[] { 1, 3, 3, 3 }, y, arg, g);
        Assert.Equal(3f, y[0]);
        Assert.Equal(1, arg[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(33)]
    [InlineData(1000)]
    public void Vectorized_elementwise_operators_match_their_scalar_twins(int n)
    {
        var a = TestData.Uniform(n, 31);
        var b = TestData.Uniform(n, 32);
        Check<ReluGradOperator>();
        Check<TanhGradOperator>();
        Check<MultiplyOperator>();

        var relu = new float[n]; var reluN = new float[n]; var reluU = new float[n];
        Elementwise.Unary<ReluOperator>(a, relu);
        NaiveKernels.Unary<ReluOperator>(a, reluU);
        NaiveKernels.Relu(a, reluN);
        Assert.Equal(reluN, relu);
        Assert.Equal(reluU, relu);

        void Check<TOp>() where TOp : IBinaryOperator
        {
            var fast = new float[n]; var naive = new float[n];
            Elementwise.Binary<TOp>(a, b, fast);
            NaiveKernels.Binary<TOp>(a, b, naive);
            Assert.Equal(naive, fast);
            // Accumulating adds to what is there.
            var acc = (float[])b.Clone();
            Elementwise.Binary<TOp>(a, b, acc, accumulate: true);
            for (int i = 0; i < n; i++) Assert.Equal(b[i] + naive[i], acc[i]);
        }
    }

    [Fact]
    public void Bad_geometry_is_a_clear_error()
    {
        var x = Tensor.Persistent(1, 1, 2, 2);
        var w = Tensor.Persistent(1, 1, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, w));
        Assert.Contains("does not fit", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, Tensor.Persistent(1, 2, 1, 1)));
        Assert.Contains("same C", e2.Message);
    }

    [Fact]
    public void No_grad_mode_records_nothing()
    {
        var w = TestData.Param(TestData.Uniform(6, 1), 2, 3);
        var x = Tensor.Persistent(TestData.Uniform(6, 2), 2, 3);
        using (GradMode.NoGrad())
        {
            var y = Ops.Linear(x, w);
            Assert.False(y.RequiresGrad);
            Assert.True(y.IsLeaf);
        }
        Assert.True(Ops.Linear(x, w).RequiresGrad);
    }

    [Fact]
    public void A_scope_returns_storage_and_later_use_is_an_error()
    {
        Tensor inside;
        using (TensorScope.Begin())
        {
            inside = Tensor.Zeros(3, 3);
            Assert.Equal(9, inside.Span.Length);
        }
        Assert.Throws<ObjectDisposedException>(() => inside.Span.Length);
    }
}
