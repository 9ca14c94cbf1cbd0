using System.IO.Compression;
using TrainSwarm.Learning.Data.Uploads;

namespace TrainSwarm.Cli.Commands.Dataset.Shared;

/// <summary>
/// What `swarm dataset upload` sends: one file as it is, or a pair (IDX images and labels, or x.npy and y.npy) packed into one
/// zip, since the coordinator takes one file per upload; and the format when the user gave none.
/// </summary>
internal static class UploadBundle
{
    /// <summary>The file to send and its format; a packed pair goes to a temporary file the caller deletes (Temporary true).</summary>
    public static (string File, UploadFormat Format, bool Temporary) Prepare(IReadOnlyList<string> files, string? format)
    {
        foreach (var file in files)
            if (!File.Exists(file))
                throw new CliException($"no file {file}");
        UploadFormat? asked = null;
        if (format is not null)
            asked = UploadFormats.Parse(format) ?? throw new CliException($"unknown format '{format}'; known: {string.Join(", ", UploadFormats.Names)}");
        if (files.Count == 1)
        {
            var guessed = asked ?? UploadFormats.FromFileName(files[0])
                ?? throw new CliException($"cannot tell the format of {files[0]}; give --format ({string.Join(", ", UploadFormats.Names)})");
            return (files[0], guessed, false);
        }
        if (files.Count != 2)
            throw new CliException("give one file, or two: IDX images and labels, or x.npy and y.npy");
        var npy = files.All(f => f.EndsWith(".npy", StringComparison.OrdinalIgnoreCase));
        var pairFormat = asked ?? (npy ? UploadFormat.Npz : UploadFormat.Idx);
        if (pairFormat is not (UploadFormat.Idx or UploadFormat.Npz))
            throw new CliException($"two files make an idx or npz upload, not {UploadFormats.Name(pairFormat)}");
        var zip = Path.Combine(Path.GetTempPath(), $"swarm-upload-{Guid.NewGuid():N}.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            // The npz names say which array is which; IDX files tell by their magic, so they keep their own names.
            archive.CreateEntryFromFile(files[0], pairFormat == UploadFormat.Npz ? "x.npy" : Path.GetFileName(files[0]), CompressionLevel.NoCompression);
            archive.CreateEntryFromFile(files[1], pairFormat == UploadFormat.Npz ? "y.npy" : Path.GetFileName(files[1]), CompressionLevel.NoCompression);
        }
        return (zip, pairFormat, true);
    }
}
