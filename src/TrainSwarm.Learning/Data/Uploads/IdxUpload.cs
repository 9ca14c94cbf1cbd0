namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// An IDX pair in a zip: one image file (magic 0x803: N × rows × cols) and one label file (0x801: N), each gzip or raw,
/// told apart by their magic, not their names, so any names work (MNIST's, KMNIST's, one's own).
/// </summary>
public static class IdxUpload
{
    /// <summary>Parses and checks the pair; labels are numbered classes.</summary>
    public static ParsedUpload Parse(ReadOnlyMemory<byte> zip, string source)
    {
        IdxData? images = null, labels = null;
        string? imagesName = null, labelsName = null;
        foreach (var (name, bytes) in ZipEntries.Read(zip, source))
        {
            var where = $"{source} entry {name}";
            IdxData idx;
            try
            {
                idx = IdxReader.Read(new MemoryStream(bytes, writable: false), where);
            }
            catch (DataFormatException e)
            {
                throw new UploadRejectedException(e.Message, e);
            }
            if (idx.Dimensions.Length == 3)
            {
                if (images is not null) throw new UploadRejectedException(where, $"a second image file (the first is {imagesName})");
                (images, imagesName) = (idx, name);
            }
            else if (idx.Dimensions.Length == 1)
            {
                if (labels is not null) throw new UploadRejectedException(where, $"a second label file (the first is {labelsName})");
                (labels, labelsName) = (idx, name);
            }
            else
            {
                throw new UploadRejectedException(where, $"{idx.Dimensions.Length} dimensions: neither images (3) nor labels (1)");
            }
        }
        if (images is null) throw new UploadRejectedException(source, "no IDX image file (magic 0x00000803) in the archive");
        if (labels is null) throw new UploadRejectedException(source, "no IDX label file (magic 0x00000801) in the archive");
        if (images.Count != labels.Count)
            throw new UploadRejectedException($"{source} entry {labelsName}", $"{labels.Count} labels for the {images.Count} images of {imagesName}");
        var (height, width) = (images.Dimensions[1], images.Dimensions[2]);
        ImageChecks.Size(height, width, $"{source} entry {imagesName}");
        ImageChecks.Count(images.Count, $"{source} entry {imagesName}");
        var ints = new int[labels.Count];
        for (var i = 0; i < ints.Length; i++)
            ints[i] = labels.Data[i];
        var classes = LabelChecks.Classes(ints, null, $"{source} entry {labelsName}");
        var pixels = new float[images.Data.Length];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = images.Data[i] / 255f; // a true division: the same bits as PyTorch's x.float() / 255
        return new ParsedUpload(UploadFormat.Idx, new LabeledImages(pixels, ints, 1, height, width, classes), LabelChecks.Numbered(classes));
    }
}
