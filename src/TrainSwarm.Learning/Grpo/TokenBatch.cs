namespace TrainSwarm.Learning.Grpo;

/// <summary>
/// Prompt + completion sequences as one padded next-token batch: inputs (Rows, Time), the token each position predicts, and per
/// position the advantage and the weight of <see cref="TrainSwarm.Tensors.Ops.GrpoObjective"/>. Only positions that predict a
/// completion token carry weight, 1 / (rows · |oᵢ|) (rows = groups · G), so prompt and padding are masked out and the
/// objective is DeepSeekMath's mean over completions of each completion's mean over its tokens, averaged over the groups.
/// </summary>
internal sealed class TokenBatch
{
    private TokenBatch(int rows, int time)
    {
        Rows = rows;
        Time = time;
        Inputs = new int[rows * time];
        Targets = new int[rows * time];
        Advantages = new float[rows * time];
        Weights = new float[rows * time];
    }

    public int Rows { get; }
    public int Time { get; }
    public int[] Inputs { get; }
    public int[] Targets { get; }
    public float[] Advantages { get; }
    public float[] Weights { get; }

    public static TokenBatch Build(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> completions, ReadOnlySpan<float> advantages, int padding)
    {
        int rows = prompts.Count, time = 0;
        for (int r = 0; r < rows; r++) time = Math.Max(time, prompts[r].Length + completions[r].Length - 1);
        var batch = new TokenBatch(rows, time);
        batch.Inputs.AsSpan().Fill(padding);
        batch.Targets.AsSpan().Fill(padding);
        for (int r = 0; r < rows; r++)
        {
            int[] sequence = [.. prompts[r], .. completions[r]];
            int offset = r * time, promptLength = prompts[r].Length;
            sequence.AsSpan(0, sequence.Length - 1).CopyTo(batch.Inputs.AsSpan(offset));
            sequence.AsSpan(1).CopyTo(batch.Targets.AsSpan(offset));
            if (completions[r].Length == 0) continue;
            float weight = 1f / ((float)rows * completions[r].Length);
            // Position j predicts sequence[j + 1]; the completion starts at sequence[promptLength].
            for (int j = promptLength - 1; j < sequence.Length - 1; j++)
            {
                batch.Advantages[offset + j] = advantages[r];
                batch.Weights[offset + j] = weight;
            }
        }
        return batch;
    }
}
