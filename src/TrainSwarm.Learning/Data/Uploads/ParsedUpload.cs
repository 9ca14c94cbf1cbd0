namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>An upload that passed every check: its samples and the names of its classes, in label order.</summary>
/// <param name="Format">The format it came in.</param>
/// <param name="Data">The samples: images (N, C, H, W) in [0, 1], or tabular rows as (N, 1, 1, features).</param>
/// <param name="ClassNames">One name per class; label i is <c>ClassNames[i]</c>.</param>
public sealed record ParsedUpload(UploadFormat Format, LabeledImages Data, IReadOnlyList<string> ClassNames)
{
    /// <summary>The shape of one sample as the models see it: [C, H, W] for images, [features] for tabular rows.</summary>
    public IReadOnlyList<int> InputShape => Format == UploadFormat.Tabular
        ? [Data.Width]
        : [Data.Channels, Data.Height, Data.Width];
}
