namespace TrainSwarm.Coordination.Pricing;

/// <summary>
/// A coordinator's prices. Money is in micro-tokens (1 token = 1,000,000); a compute unit is 1 GFLOP (10^9 FLOPs)
/// of training, forward + backward.
/// </summary>
/// <param name="PricePerUnit">Micro-tokens per compute unit.</param>
/// <param name="ValidatorFeeBps">The validator's fee, in basis points of the compute cost.</param>
/// <param name="ProtocolFeeBps">The protocol's fee, in basis points of the compute cost.</param>
/// <param name="Validity">How long a quote binds the coordinator.</param>
/// <param name="ReferenceGpuFlopsPerSecond">Sustained training FLOP/s of the reference GPU, to state the price per GPU-hour.</param>
public sealed record PriceTable(long PricePerUnit, int ValidatorFeeBps, int ProtocolFeeBps, TimeSpan Validity, long ReferenceGpuFlopsPerSecond)
{
    /// <summary>FLOPs in one compute unit.</summary>
    public const long FlopsPerUnit = 1_000_000_000;

    /// <summary>0.01 token per unit, 10% validator fee, 2% protocol fee, 15 minutes, a 20 TFLOP/s reference GPU.</summary>
    public static PriceTable Default { get; } = new(10_000, 1_000, 200, TimeSpan.FromMinutes(15), 20_000_000_000_000);

    /// <summary>Micro-tokens for one hour of the reference GPU: its FLOPs in an hour, in units (rounded down), × the price.</summary>
    public long PricePerGpuHour => checked((long)((Int128)ReferenceGpuFlopsPerSecond * 3600 / FlopsPerUnit * PricePerUnit));

    /// <summary>Throws <see cref="ArgumentException"/> when a field is out of range.</summary>
    public void Check()
    {
        if (PricePerUnit < 0)
            throw new ArgumentException("the price per unit must not be negative");
        if (ValidatorFeeBps is < 0 or > 10_000 || ProtocolFeeBps is < 0 or > 10_000)
            throw new ArgumentException("fees must be between 0 and 10000 basis points");
        if (Validity <= TimeSpan.Zero)
            throw new ArgumentException("the quote validity must be positive");
        if (ReferenceGpuFlopsPerSecond <= 0)
            throw new ArgumentException("the reference GPU's FLOP/s must be positive");
    }
}
