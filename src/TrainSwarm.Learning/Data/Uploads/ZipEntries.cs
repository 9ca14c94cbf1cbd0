using System.IO.Compression;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>Reads the file entries of an uploaded zip, bounded so a small archive cannot expand into a huge one.</summary>
internal static class ZipEntries
{
    /// <summary>The most bytes the entries of one upload may expand to.</summary>
    public const long MaxExpandedBytes = 4 * UploadLimits.MaxBytes;

    /// <summary>Every file entry (folders skipped) as its full name and bytes, in archive order.</summary>
    public static List<(string Name, byte[] Bytes)> Read(ReadOnlyMemory<byte> zip, string source)
    {
        var entries = new List<(string, byte[])>();
        long total = 0;
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip.ToArray(), writable: false), ZipArchiveMode.Read);
            foreach (var entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                    continue;
                total += entry.Length;
                if (total > MaxExpandedBytes)
                    throw new UploadRejectedException($"{source} entry {entry.FullName}", $"the archive expands past {MaxExpandedBytes} bytes");
                using var stream = entry.Open();
                using var copy = new MemoryStream((int)Math.Min(entry.Length, int.MaxValue));
                stream.CopyTo(copy);
                entries.Add((entry.FullName, copy.ToArray()));
            }
        }
        catch (InvalidDataException e)
        {
            throw new UploadRejectedException(source, $"not a readable zip archive ({e.Message})", e);
        }
        if (entries.Count == 0)
            throw new UploadRejectedException(source, "the archive holds no files");
        return entries;
    }
}
