using TrainSwarm.Tensors.Autograd;
using TrainSwarm.Tensors.Kernels;


namespace TrainSwarm.Tensors.Tests;

/// <summary>
/// The strided-GEMM causal attention against its loop twin (forward and backward; tolerance 1e-5 + 1e-4·|x|, since the GEMM sums in
/// another order), and the transformer ops' bitwise determinism across thread counts.
/// </summary>
public class AttentionTwinTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(1, 1, 1, 4)]
    [InlineData(2, 5, 2, 8)]
    [InlineData(3, 17, 4, 32)]
    [InlineData(2, 64, 4, 144)]
    [InlineData(1, 100, 2, 16)]
    public void Fast_attention_matches_the_loop_twin(int batch, int time, int heads, int channels)
    {
        var s = new AttentionShape(batch, time, heads, channels);
        var qkv = TestData.Uniform(batch * time * 3 * channels, 51, -2f, 2f);
        var dy = TestData.Uniform(batch * time * channels, 52);
        var yNaive = new float[batch * time * channels];
        var dNaive = new float[qkv.Length];
        NaiveAttention.Forward(qkv, yNaive, s);
        NaiveAttention.Backward(qkv, dy, dNaive, s);

        var y = new float[yNaive.Length];
        var probs = new float[batch * heads * time * time];
        var dqkv = new float[qkv.Length];
        CausalAttention.Forward(qkv, y, probs, s);
        CausalAttention.Backward(qkv, probs, dy, dqkv, new float[probs.Length], s, accumulate: false);
        TestData.AssertClose(y, yNaive, 1e-5, 1e-4, log, "forward");
        TestData.AssertClose(dqkv, dNaive, 1e-5, 1e-4, log, "backward");
    }

    [Fact]
    public void Transformer_ops_are_bitwise_identical_for_one_and_two_threads()
    {
        float[] Run(int threads)
        {
            int saved = Engine.Threads;
            Engine.Threads = threads;
            try
            {
                var qkv = TestData.Param(TestData.Uniform(4 * 32 * 3 * 64, 61), 4, 32, 3 * 64);
                var w = TestData.Param(TestData.Uniform(3 * 64, 62), 3 * 64);
                var b = TestData.Param(TestData.Uniform(3 * 64, 63), 3 * 64);
                var table = TestData.Param(TestData.Uniform(10 * 64, 64), 10, 64);
                var ids = Enumerable.Range(0, 4 * 32).Select(i => i * 7 % 10).ToArray();
                using var scope = TensorScope.Begin();
                var h = Ops.Gelu(Ops.LayerNorm(qkv, w, b));
                var y = Ops.CausalSelfAttention(h, 4);
                var x = Ops.Add(Ops.Reshape(y, 4 * 32, 64), Ops.Embedding(table, ids));
                var loss = Ops.CrossEntropy(x, ids.Select(i => (i * 3) % 64).ToArray());
                loss.Backward();
                return [loss.Item(), .. y.ToArray(), .. qkv.Grad!.ToArray(), .. w.Grad!.ToArray(), .. b.Grad!.ToArray(), .. table.Grad!.ToArray()];
            }
            finally
            {
                Engine.Threads = saved;
            }
        }
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Length, two.Length);
        for (int i = 0; i < one.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(one[i]) == BitConverter.SingleToInt32Bits(two[i]), $"element {i}: {one[i]} vs {two[i]}");
    }
}
