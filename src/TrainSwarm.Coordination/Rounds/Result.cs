namespace TrainSwarm.Coordination.Rounds;

/// <summary>A new state or the reason there is none.</summary>
public readonly record struct Result<T>(T? Value, Refusal? Refusal)
{
    /// <summary>True when there is a value.</summary>
    public bool Ok => Refusal is null;

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(Refusal refusal) => new(default, refusal);
}
