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

    [Fact]
    public void A_grpo_token_is_sampling_two_scoring_passes_and_the_epochs_forward_and_backward()
    {
        var tiny = TrainSwarm.Learning.Grpo.GrpoModels.GrpoTiny;
        // N = 2 × 12 × 64² + 257 × 64 = 114,752; forward at 11 tokens 2N + 2 × 2 × 64 × 12 = 232,576; 3 + 3 × 2 forwards.
        Assert.Equal(114_752, GptFlops.MatmulParameters(tiny));
        Assert.Equal(232_576, GptFlops.ForwardPerToken(tiny, 11));
        Assert.Equal(2_093_184, GptFlops.GrpoPerToken(tiny, 11, 2));
        Assert.Equal(4 * 232_576L, GptFlops.GrpoPerToken(tiny, 11, 1) - 2 * 232_576L);
    }
}
