using TrainSwarm.Learning.Data.Uploads;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Dataset.Shared;

/// <summary>How a dataset reads as text: one summary line, and the manifest part by part.</summary>
internal static class DatasetText
{
    /// <summary>"ds… name: 3000 samples of 1×28×28, 10 classes, 3 shards (csv, ready)".</summary>
    public static string Summary(DatasetView view)
    {
        var m = view.Manifest;
        return $"{m.Id}  {m.Name}: {m.Count} samples of {string.Join('×', m.InputShape)}, {m.Classes} classes, "
            + $"{m.Shards.Count} shards ({m.Format}, {view.Status})";
    }

    /// <summary>"split seed: 42 (given at upload)": with the file, the seed redoes the cut (<c>DataSplit(count, 0.1, seed)</c>).</summary>
    public static string SplitLine(DatasetManifest m) => m.SplitSeed switch
    {
        null => "split seed: not recorded (uploaded before manifests kept it)",
        var seed when seed == DatasetSharding.SeedOf(m.SourceSha256, null) => $"split seed: {seed} (the file digest's first 8 bytes)",
        var seed => $"split seed: {seed} (given at upload)",
    };

    /// <summary>Every line of the manifest: classes, the holdout and each shard with its SHA-256.</summary>
    public static IEnumerable<string> Manifest(DatasetView view)
    {
        var m = view.Manifest;
        yield return Summary(view);
        yield return $"owner {m.Owner}, uploaded {m.CreatedAt:u}, {m.SourceBytes} bytes, sha256 {m.SourceSha256}";
        yield return "classes: " + string.Join(", ", m.ClassNames);
        yield return SplitLine(m);
        yield return $"holdout  {m.Holdout.Count,7} samples  {m.Holdout.Blob}  (validators only)";
        for (var i = 0; i < m.Shards.Count; i++)
            yield return $"shard {i,-3}{m.Shards[i].Count,7} samples  {m.Shards[i].Blob}";
        yield return view.Jobs.Count == 0 ? "jobs: none" : "jobs: " + string.Join(", ", view.Jobs);
    }
}
