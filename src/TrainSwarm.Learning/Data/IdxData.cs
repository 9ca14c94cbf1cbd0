namespace TrainSwarm.Learning.Data;

/// <summary>The contents of an unsigned-byte IDX file: its dimensions and its bytes in row-major order.</summary>
/// <param name="Dimensions">The sizes, outermost (the sample count) first.</param>
/// <param name="Data">The elements; its length is the product of <paramref name="Dimensions"/>.</param>
public sealed record IdxData(int[] Dimensions, byte[] Data)
{
    /// <summary>The outermost dimension: the number of samples.</summary>
    public int Count => Dimensions[0];
}
