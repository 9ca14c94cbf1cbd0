namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>The label rules every format shares: labels within the declared classes, and no class without a sample.</summary>
internal static class LabelChecks
{
    /// <summary>
    /// The class count the labels imply (largest label + 1, or <paramref name="declared"/>), after checking that every label
    /// is in range and that every class has at least one sample (an empty class is a mistake: a model would learn to never
    /// say it, and the holdout could not score it).
    /// </summary>
    public static int Classes(ReadOnlySpan<int> labels, int? declared, string source)
    {
        if (labels.Length < 2)
            throw new UploadRejectedException(source, $"{labels.Length} samples; a dataset needs at least 2 (one for the holdout)");
        var max = -1;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= (declared ?? UploadLimits.MaxClasses))
                throw new UploadRejectedException(source,
                    $"unknown label {labels[i]} of sample {i}: labels must be in [0, {declared ?? UploadLimits.MaxClasses})");
            max = Math.Max(max, labels[i]);
        }
        var classes = declared ?? max + 1;
        var counts = new int[classes];
        foreach (var label in labels)
            counts[label]++;
        var empty = Enumerable.Range(0, classes).Where(c => counts[c] == 0).ToList();
        if (empty.Count > 0)
            throw new UploadRejectedException(source, $"empty classes: no sample has label {string.Join(", ", empty)}");
        if (classes < 2)
            throw new UploadRejectedException(source, "every sample has the same label; a classifier needs at least 2 classes");
        return classes;
    }

    /// <summary>Names "0", "1", … for formats whose labels are bare numbers.</summary>
    public static IReadOnlyList<string> Numbered(int classes) =>
        Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
