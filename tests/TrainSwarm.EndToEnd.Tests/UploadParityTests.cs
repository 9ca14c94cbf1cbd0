using TrainSwarm.Cli.Commands.Bench;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// `swarm bench upload-parity`'s core at a tiny size, real processes: the same 3-node job on Fashion-MNIST's first 300
/// training images by name (firstSamples), uploaded as an image CSV and as a PNG zip (split seed = the job's seed) ends
/// with the same final model bytes all three times, so the same test accuracy.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class UploadParityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_named_dataset_an_uploaded_csv_and_an_uploaded_png_zip_train_to_the_same_weights()
    {
        var folder = Path.Combine(Path.GetTempPath(), "trainswarm-e2e-parity-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var result = await UploadParityRun.RunAsync(new UploadParityOptions(DevnetScope.DatasetDirectory, folder, 300, 2, 5, 11), timeout.Token);
            foreach (var job in new[] { result.Named, result.Csv, result.PngZip })
                output.WriteLine($"{job.Source}: model {job.ModelBlob}, test accuracy {job.TestAccuracy:F4}, holdout accuracy {job.HoldoutAccuracy:F4}");
            Assert.Equal(result.Named.ModelBlob, result.Csv.ModelBlob);
            Assert.Equal(result.Named.ModelBlob, result.PngZip.ModelBlob);
            Assert.Equal(result.Named.TestAccuracy, result.Csv.TestAccuracy);
            Assert.Equal(result.Named.HoldoutAccuracy, result.PngZip.HoldoutAccuracy);
            // The 270 samples left after the 30-image holdout, in three shards of 90, each downloaded whole.
            Assert.True(result.Shards.Bytes > 270 * 784 * 4, $"{result.Shards.Bytes} shard bytes");
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
