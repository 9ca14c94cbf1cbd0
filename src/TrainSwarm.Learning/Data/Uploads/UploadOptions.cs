namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>What an upload's bytes cannot say for themselves.</summary>
/// <param name="Shape">
/// For an image CSV: the sample shape, <c>HxW</c> or <c>CxHxW</c> (null: a square greyscale image, or a square RGB one when
/// only a third of the values make a square).
/// </param>
/// <param name="LabelColumn">For a tabular CSV: the header name of the label column (null: <c>label</c>).</param>
public sealed record UploadOptions(string? Shape = null, string? LabelColumn = null)
{
    /// <summary>The label column in effect.</summary>
    public string Label => LabelColumn ?? "label";
}
