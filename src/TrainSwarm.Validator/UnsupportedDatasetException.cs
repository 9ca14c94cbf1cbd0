namespace TrainSwarm.Validator;

/// <summary>A job's dataset is not one this validator can load; it posts no result for such rounds.</summary>
/// <param name="reason">Why, when it is not that the dataset is unknown here (e.g. a corpus that is not installed).</param>
public sealed class UnsupportedDatasetException(string dataset, string? reason = null)
    : Exception(reason ?? $"dataset '{dataset}' is not in the catalog, nor an uploaded dataset's id")
{
    /// <summary>The dataset the job named.</summary>
    public string Dataset { get; } = dataset;
}
