namespace TrainSwarm.Tensors.Kernels;

/// <summary>Causal attention as plain loops, one element at a time: the twin <see cref="CausalAttention"/> is tested against.</summary>
public static class NaiveAttention
{
    /// <summary>y (B,T,C) from qkv (B,T,3C); see <see cref="CausalAttention.Forward"/>.</summary>
    public static void Forward(ReadOnlySpan<float> qkv, Span<float> y, AttentionShape s)
    {
        int t = s.Time, d = s.HeadDim, c = s.Channels;
        var p = new float[t];
        for (int b = 0; b < s.Batch; b++)
            for (int h = 0; h < s.Heads; h++)
                for (int i = 0; i < t; i++)
                {
                    float max = float.NegativeInfinity;
                    for (int j = 0; j <= i; j++)
                    {
                        float dot = 0;
                        for (int e = 0; e < d; e++) dot += Q(qkv, s, b, i, h, e, 0) * Q(qkv, s, b, j, h, e, 1);
                        p[j] = dot * s.Scale;
                        max = Math.Max(max, p[j]);
                    }
                    float sum = 0;
                    for (int j = 0; j <= i; j++) sum += p[j] = MathF.Exp(p[j] - max);
                    for (int e = 0; e < d; e++)
                    {
                        float acc = 0;
                        for (int j = 0; j <= i; j++) acc += p[j] / sum * Q(qkv, s, b, j, h, e, 2);
                        y[(b * t + i) * c + h * d + e] = acc;
                    }
                }
    }

    /// <summary>dqkv (overwritten) from dy; recomputes the probabilities.</summary>
    public static void Backward(ReadOnlySpan<float> qkv, ReadOnlySpan<float> dy, Span<float> dqkv, AttentionShape s)
    {
        int t = s.Time, d = s.HeadDim, c = s.Channels;
        dqkv.Clear();
        var p = new float[t * t];
        var dp = new float[t * t];
        for (int b = 0; b < s.Batch; b++)
            for (int h = 0; h < s.Heads; h++)
            {
                Array.Clear(p);
                for (int i = 0; i < t; i++)
                {
                    float max = float.NegativeInfinity;
                    for (int j = 0; j <= i; j++)
                    {
                        float dot = 0;
                        for (int e = 0; e < d; e++) dot += Q(qkv, s, b, i, h, e, 0) * Q(qkv, s, b, j, h, e, 1);
                        p[i * t + j] = dot * s.Scale;
                        max = Math.Max(max, p[i * t + j]);
                    }
                    float sum = 0;
                    for (int j = 0; j <= i; j++) sum += p[i * t + j] = MathF.Exp(p[i * t + j] - max);
                    for (int j = 0; j <= i; j++) p[i * t + j] /= sum;
                }
                for (int i = 0; i < t; i++)
                    for (int j = 0; j <= i; j++)
                    {
                        float acc = 0;
                        for (int e = 0; e < d; e++) acc += dy[(b * t + i) * c + h * d + e] * Q(qkv, s, b, j, h, e, 2);
                        dp[i * t + j] = acc;
                        for (int e = 0; e < d; e++) dqkv[Index(s, b, j, h, e, 2)] += p[i * t + j] * dy[(b * t + i) * c + h * d + e];
                    }
                for (int i = 0; i < t; i++)
                {
                    float rowDot = 0;
                    for (int j = 0; j <= i; j++) rowDot += p[i * t + j] * dp[i * t + j];
                    for (int j = 0; j <= i; j++)
                    {
                        float dsij = p[i * t + j] * (dp[i * t + j] - rowDot) * s.Scale;
                        for (int e = 0; e < d; e++)
                        {
                            dqkv[Index(s, b, i, h, e, 0)] += dsij * Q(qkv, s, b, j, h, e, 1);
                            dqkv[Index(s, b, j, h, e, 1)] += dsij * Q(qkv, s, b, i, h, e, 0);
                        }
                    }
                }
            }
    }

    private static int Index(AttentionShape s, int b, int time, int h, int e, int part) =>
        (b * s.Time + time) * 3 * s.Channels + part * s.Channels + h * s.HeadDim + e;

    private static float Q(ReadOnlySpan<float> qkv, AttentionShape s, int b, int time, int h, int e, int part) => qkv[Index(s, b, time, h, e, part)];
}
