using TrainSwarm.Coordination.Aggregation;

namespace TrainSwarm.Coordination.Tests;

/// <summary>Tiny weight sets for hand-computed strategy tests: a "w" of shape [2,2] and a "b" of shape [2].</summary>
internal static class Weights
{
    public static List<WeightTensor> Of(float[] w, float[] b) => [new("0.weight", [2, 2], w), new("0.bias", [2], b)];

    public static AggregationReply Reply(string node, long samples, float[] w, float[] b) => new(node, Of(w, b), samples, 0);

    public static AggregationInput Input(
        List<WeightTensor> baseWeights, IReadOnlyList<AggregationReply> replies, IReadOnlyList<WeightTensor>? state = null,
        double eta = 0.7, double mu = 0.9, IReadOnlyList<AggregationFailure>? failures = null) =>
        new(baseWeights, replies, failures ?? [], state, new OuterParameters(eta, mu));

    /// <summary>All values of a weight set, flattened in order, for one Assert.Equal.</summary>
    public static float[] Flat(IReadOnlyList<WeightTensor> weights) => weights.SelectMany(t => t.Values).ToArray();

    /// <summary>Asserts closeness within <paramref name="tolerance"/> and prints the worst error (llm.c style).</summary>
    public static void AssertClose(float[] expected, float[] actual, float tolerance, ITestOutputHelper log)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        for (var i = 0; i < expected.Length; i++)
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        log.WriteLine($"worst error {worst:G9} (tolerance {tolerance:G3})");
        Assert.True(worst <= tolerance,
            $"worst error {worst:G9} exceeds {tolerance:G3}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
    }
}
