using System.Diagnostics;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>Every shard of a dataset downloaded as a blob, against a plain copy of each shard's blob file on the same disk.</summary>
public sealed record ShardThroughput(long Bytes, double DownloadSeconds, double CopySeconds)
{
    /// <summary>Measures <paramref name="manifest"/>'s shards, stored under <paramref name="devnetFolder"/>; copies go to <paramref name="scratch"/>.</summary>
    public static async Task<ShardThroughput> MeasureAsync(SwarmClient client, DatasetManifest manifest, string devnetFolder, string scratch,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(manifest);
        long bytes = 0;
        double download = 0, copy = 0;
        foreach (var shard in manifest.Shards)
        {
            var clock = Stopwatch.StartNew();
            var blob = await client.GetBlobAsync(shard.Blob, cancellation);
            download += clock.Elapsed.TotalSeconds;
            if (blob.Length != shard.Bytes)
                throw new InvalidOperationException($"shard {shard.Blob} came back with {blob.Length} bytes, not {shard.Bytes}");
            bytes += blob.Length;
            // The coordinator's copy: nodes cache the shards they trained on under their own folders too.
            var stored = Directory.GetFiles(Path.Combine(devnetFolder, "coordinator"), shard.Blob, SearchOption.AllDirectories).Single();
            copy += UploadParityRun.Time(() => File.Copy(stored, Path.Combine(scratch, shard.Blob + ".copy")));
        }
        return new ShardThroughput(bytes, download, copy);
    }
}
