namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// One named float32 tensor of a model, an update or a strategy state, laid out row-major like a safetensors entry.
/// Kept apart from the engine's Tensor so strategies stay plain arithmetic over arrays.
/// </summary>
/// <param name="Name">The state_dict name, e.g. <c>1.weight</c>.</param>
/// <param name="Shape">The dimensions, outermost first.</param>
/// <param name="Values">The elements; their count is the product of <paramref name="Shape"/>.</param>
public sealed record WeightTensor(string Name, int[] Shape, float[] Values)
{
    /// <summary>The shape as PyTorch prints it in messages: <c>[128,784]</c>.</summary>
    public string ShapeText => "[" + string.Join(",", Shape) + "]";

    /// <summary>The number of elements the shape calls for.</summary>
    public long ShapeElementCount => Shape.Aggregate(1L, (n, d) => n * d);
}
