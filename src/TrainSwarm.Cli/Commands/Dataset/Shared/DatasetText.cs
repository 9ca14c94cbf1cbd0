using TrainSwarm.Learning.Data.Uploads;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Dataset.Shared;

/// <summary>How a dataset reads as text: one summary line, and the manifest part by part.</summary>
internal static class DatasetText
{
    /// <summary>"ds… name: 3000 samples of 1×28×28, 10 classes, 3 shards (csv, ready)"; a text dataset's tokens and tokenizer.</summary>
    public static string Summary(DatasetView view)
    {
        var m = view.Manifest;
        if (m.IsText)
            return $"{m.Id}  {m.Name}: {m.Count} tokens ({m.Tokenizer} tokenizer), {m.Shards.Count} shards ({m.Format}, {view.Status})";
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

        /// <summary>Every line of the manifest: classes, the holdout and each shard with its SHA-256 (a text shard: its token range).</summary>
    public static IEnumerable<string> Manifest(DatasetView view)
    {
        var m = view.Manifest;
        var unit = m.IsText ? "tokens " : "samples";
        yield return Summary(view);
        yield return $"owner {m.Owner}, uploaded {m.CreatedAt:u}, {m.SourceBytes} bytes, sha256 {m.SourceSha256}";
        if (!m.IsText)
        {
            yield return "classes: " + string.Join(", ", m.ClassNames);
            yield return SplitLine(m);
        }
        yield return $"holdout  {m.Holdout.Count,7} {unit}  {m.Holdout.Blob}  (validators only)";
        for (var i = 0; i < m.Shards.Count; i++)
        {
            var range = m.Shards[i].Start is { } start ? $"  tokens [{start}, {start + m.Shards[i].Count}) of the training stream" : "";
            yield return $"shard {i,-3}{m.Shards[i].Count,7} {unit}  {m.Shards[i].Blob}{range}";
        }
        yield return view.Jobs.Count == 0 ? "jobs: none" : "jobs: " + string.Join(", ", view.Jobs);
    }
}
