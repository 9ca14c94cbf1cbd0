using TrainSwarm.Tensors.Kernels;

namespace TrainSwarm.Tensors.Tests;

public class GemmTests(ITestOutputHelper log)
{
    public static TheoryData<int, int, int, bool, bool> Shapes()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        int[][] sizes = [[1, 1, 1], [1, 17, 1], [13, 1, 7], [7, 13, 5], [31, 37, 41], [6, 16, 300], [97, 61, 263], [64, 128, 784], [5, 1031, 3], [7, 5, 9001]];
        foreach (var s in sizes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(s[0], s[1], s[2], ta, tb);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fast_paths_agree_with_the_naive_twin(int m, int n, int k, bool transA, bool transB)
    {
        var a = TestData.Uniform(m * k, 1);
        var b = TestData.Uniform(k * n, 2);
        var c0 = TestData.Uniform(m * n, 3);
        int lda = transA ? m : k, ldb = transB ? k : n;
        // Each element sums k products of values in [-1, 1]: float32 rounding grows with k.
        double atol = 2e-6 * k + 1e-6;

        var expected = (float[])c0.Clone();
        Gemm.Run(Gemm.Naive, transA, transB, m, n, k, 0.75f, a, lda, b, ldb, 0.5f, expected, n);

        var paths = new List<IGemm> { Gemm.Managed };
        if (Gemm.OpenBlas is { } blas) paths.Add(blas);
        foreach (var path in paths)
        {
            var c = (float[])c0.Clone();
            Gemm.Run(path, transA, transB, m, n, k, 0.75f, a, lda, b, ldb, 0.5f, c, n);
            TestData.AssertClose(c, expected, atol, 0, log, $"{path.Name} {m}x{n}x{k} tA={transA} tB={transB}");
        }
    }

    [Fact]
    public void OpenBlas_is_installed_on_the_test_machine()
    {
        // test.sh installs libopenblas0-pthread; without it the fast path would silently go untested.
        Assert.NotNull(Gemm.OpenBlas);
        Assert.Equal("openblas", Engine.BlasName);
    }

    [Fact]
    public void Beta_zero_ignores_garbage_in_C()
    {
        var a = TestData.Uniform(6 * 9, 4);
        var b = TestData.Uniform(9 * 20, 5);
        foreach (var path in new[] { Gemm.Managed, Gemm.OpenBlas ?? Gemm.Managed, Gemm.Naive })
        {
            var c = Enumerable.Repeat(float.NaN, 6 * 20).ToArray();
            Gemm.Run(path, false, false, 6, 20, 9, 1f, a, 9, b, 20, 0f, c, 20);
            Assert.All(c, v => Assert.False(float.IsNaN(v), $"{path.Name} kept a NaN"));
        }
    }

    [Fact]
    public void Leading_dimensions_larger_than_the_matrix_are_respected()
    {
        // A 3×4 block inside a 3×10 buffer, C a 3×5 block inside 3×8.
        var a = TestData.Uniform(3 * 10, 6);
        var b = TestData.Uniform(4 * 5, 7);
        var expected = new float[3 * 8];
        var actual = new float[3 * 8];
        Gemm.Run(Gemm.Naive, false, false, 3, 5, 4, 1f, a, 10, b, 5, 0f, expected, 8);
        Gemm.Run(Gemm.Managed, false, false, 3, 5, 4, 1f, a, 10, b, 5, 0f, actual, 8);
        TestData.AssertClose(actual, expected, 1e-5, 0, log, "managed ld");
        Assert.Equal(0f, actual[5]); // columns past n untouched
    }

    [Fact]
    public void Too_small_buffers_are_rejected_before_any_write()
    {
        var c = new float[4];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Run(Gemm.Managed, false, false, 2, 3, 2, 1f, new float[4], 2, new float[6], 3, 0f, c, 3));
        Assert.Contains("C is too small", e.Message);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    // The reference models' products: forward, weight gradient (transposed A) and input gradient (transposed B).
    [Theory]
    [InlineData(64, 7744, 288, false, false)]
    [InlineData(64, 288, 7744, false, true)]
    [InlineData(288, 7744, 64, true, false)]
    [InlineData(32, 9, 43264, false, true)]
    [InlineData(64, 128, 784, false, true)]
    [InlineData(128, 784, 64, true, false)]
    [InlineData(64, 128, 1600, false, true)]
    [InlineData(128, 1600, 64, true, false)]
    [InlineData(64, 1600, 128, false, false)]
    [InlineData(10, 128, 64, true, false)]
    public void Results_are_bitwise_identical_for_one_and_two_threads(int m, int n, int k, bool transA, bool transB)
    {
        var a = TestData.Uniform(m * k, 8);
        var b = TestData.Uniform(k * n, 9);
        var paths = new List<IGemm> { Gemm.Managed };
        if (Gemm.OpenBlas is { } blas) paths.Add(blas);
        int saved = Engine.Threads;
        try
        {
            foreach (var path in paths)
            {
                var one = new float[m * n];
                var two = new float[m * n];
                int lda = transA ? m : k, ldb = transB ? k : n;
                Engine.Threads = 1;
                Gemm.Run(path, transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, one, n);
                Engine.Threads = 2;
                Gemm.Run(path, transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, two, n);
                Assert.True(one.AsSpan().SequenceEqual(two), $"{path.Name} differs between 1 and 2 threads");
            }
        }
        finally
        {
            Engine.Threads = saved;
        }
    }
}
