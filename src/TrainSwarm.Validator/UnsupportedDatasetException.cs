namespace TrainSwarm.Validator;

/// <summary>A job's dataset is not one this validator can load; it posts no result for such rounds.</summary>
public sealed class UnsupportedDatasetException(string dataset)
    : Exception($"dataset '{dataset}' is not supported by this validator (only fashion-mnist)")
{
    /// <summary>The dataset the job named.</summary>
    public string Dataset { get; } = dataset;
}
