using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;

namespace TrainSwarm.Learning.Tests.Lm;

public class GptFlopsTests
{
    [Fact]
    public void Gpt_tiny_at_64_tokens_counts_6N_plus_causal_attention_exactly()
    {
        var tiny = GptConfig.Preset("gpt-tiny", ByteTokenizer.VocabSize);
        // N = 4 × 12 × 144² + 257 × 144; attention 2 × L × C × (T + 1) a token forward.
        Assert.Equal(1_032_336, GptFlops.MatmulParameters(tiny));
        Assert.Equal(2 * 1_032_336 + 2 * 4 * 144 * 65, GptFlops.ForwardPerToken(tiny, 64));
        Assert.Equal(6_418_656, GptFlops.TrainingPerToken(tiny, 64));
    }

    [Fact]
    public void The_attention_term_is_the_sum_over_causal_positions()
    {
        // Position t (0-based) attends to t + 1 keys: q·k and the weighted v sum are 2 C FLOPs each per key and layer.
        var c = new GptConfig(257, 32, 2, 2, 16);
        const int T = 32;
        long byPosition = 0;
        for (var t = 0; t < T; t++)
            byPosition += 2L * 2 * c.Channels * (t + 1) * c.Layers;
        Assert.Equal(byPosition, (GptFlops.ForwardPerToken(c, T) - 2 * GptFlops.MatmulParameters(c)) * T);
    }
}
