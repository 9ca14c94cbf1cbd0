using System.Net;
using System.Text;
using TrainSwarm.Client;
using TrainSwarm.Learning.Data.Uploads;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// Uploaded datasets over HTTP: a chunked upload becomes a manifest with content-addressed shards; a malformed one is a 422
/// that stores nothing; the holdout is never served but to a validator; jobs name a dataset by id; delete waits for its jobs.
/// </summary>
public sealed class DatasetApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>, IAsyncLifetime
{
    private ActorKey _creator = null!;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ts-dataset-api-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        _creator = await swarm.ActorAsync("creator");
        Directory.CreateDirectory(_dir);
    }

    public Task DisposeAsync()
    {
        _creator.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    // n images of 28×28 as CSV, label i mod 10, pixels from a seeded stream: about 2.3 KB a line, so 700 lines need two chunks of 1 MiB.
    private string CsvFile(int n, int seed, string? corrupt = null)
    {
        var rng = new Random(seed);
        var text = new StringBuilder("label," + string.Join(',', Enumerable.Range(0, 784).Select(p => $"p{p}")) + "\n");
        for (var i = 0; i < n; i++)
            text.Append(i % 10).Append(',').AppendJoin(',', Enumerable.Range(0, 784).Select(_ => rng.Next(256))).Append('\n');
        if (corrupt is not null)
            text.Append(corrupt).Append('\n');
        var path = Path.Combine(_dir, $"d{seed}.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static DatasetUploadStart Settings(string name, string format = "csv", int? shards = null) => new(name, format, 0, "", Shards: shards);

    [Fact]
    public async Task A_chunked_csv_upload_becomes_shards_and_a_holdout_named_by_their_digests()
    {
        var file = CsvFile(700, 1);
        Assert.True(new FileInfo(file).Length > CoordinatorFixture.MaxBlobBytes, "the file must need more than one chunk");
        using var client = swarm.Client(_creator);
        var reports = new List<long>();
        var view = await client.UploadDatasetAsync(file, Settings("noise"), new Progress(reports));
        var m = view.Manifest;
        Assert.Equal(("ready", "csv", 700, 10), (view.Status, m.Format, m.Count, m.Classes));
        Assert.Equal([1, 28, 28], m.InputShape);
        Assert.Equal(_creator.Address, m.Owner);
        Assert.Equal(BlobId.Of(File.ReadAllBytes(file)), m.SourceSha256);
        // 10% holdout: round(700 × 0.1) = 70; the other 630 cut into 8 shards of 78 or 79.
        Assert.Equal(70, m.Holdout.Count);
        Assert.Equal(8, m.Shards.Count);
        Assert.Equal(630, m.Shards.Sum(s => s.Count));
        Assert.All(m.Shards, s => Assert.InRange(s.Count, 78, 79));
        Assert.True(reports.Count >= 3, $"progress before, and after each of the 2+ chunks: {string.Join(", ", reports)}");
        Assert.Equal(new FileInfo(file).Length, reports[^1]);
        foreach (var shard in m.Shards)
        {
            var bytes = await client.GetBlobAsync(shard.Blob);
            Assert.Equal((shard.Bytes, shard.Count), (bytes.LongLength, ShardCodec.Decode(bytes, shard.Blob).Count));
        }
        Assert.Contains(await client.DatasetsAsync(_creator.Address), d => d.Manifest.Id == m.Id);

        // The same file again is the same dataset, stored once.
        var files = swarm.BlobFiles();
        Assert.Equal(m.Id, (await client.UploadDatasetAsync(file, Settings("noise"))).Manifest.Id);
        Assert.Equal(files, swarm.BlobFiles());
    }

    [Fact]
    public async Task The_holdout_is_refused_to_everyone_but_a_validator()
    {
        using var client = swarm.Client(_creator);
        var m = (await client.UploadDatasetAsync(CsvFile(40, 2), Settings("private", shards: 2))).Manifest;
        Assert.Equal(HttpStatusCode.Forbidden, await swarm.StatusOfGetAsync(Routes.Blob(m.Holdout.Blob)));
        Assert.Equal(HttpStatusCode.OK, await swarm.StatusOfGetAsync(Routes.Blob(m.Shards[0].Blob)));
        using var node = await swarm.NodeAsync(DatasetIds.UploadedName);
        using var nodeClient = swarm.Client(node);
        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<SwarmApiException>(() => nodeClient.DatasetHoldoutAsync(m))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<SwarmApiException>(() => client.DatasetHoldoutAsync(m))).Status);
        using var validator = await swarm.ActorAsync("validator");
        using var validatorClient = swarm.Client(validator);
        var holdout = await validatorClient.DatasetHoldoutAsync(m);
        Assert.Equal(m.Holdout.Count, ShardCodec.Decode(holdout, "holdout").Count);
    }

    [Fact]
    public async Task A_malformed_upload_is_a_422_naming_the_line_and_stores_nothing()
    {
        var file = CsvFile(30, 3, corrupt: "3," + string.Join(',', Enumerable.Repeat("1", 783)));
        using var client = swarm.Client(_creator);
        var (blobs, datasets) = (swarm.BlobFiles(), (await client.DatasetsAsync()).Count);
        var e = await Assert.ThrowsAsync<SwarmApiException>(() => client.UploadDatasetAsync(file, Settings("broken")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        Assert.Equal("broken line 32: 783 pixels, but the first line has 784", e.Detail);
        Assert.Equal(blobs, swarm.BlobFiles());
        Assert.Equal(datasets, (await client.DatasetsAsync()).Count);
        Assert.Empty(Directory.GetFiles(Path.Combine(swarm.DataDirectory, "uploads")));
    }

    [Fact]
    public async Task An_upload_resumes_where_it_stopped_and_a_wrong_digest_is_refused()
    {
        var file = CsvFile(700, 4);
        var bytes = File.ReadAllBytes(file);
        using var client = swarm.Client(_creator);
        var start = new DatasetUploadStart("resumed", "csv", bytes.Length, BlobId.Of(bytes));
        var status = await client.SendSignedAsync<DatasetUploadStatus>(HttpMethod.Post, Routes.DatasetUploads, start);
        using (var first = await client.SendSignedRawAsync(HttpMethod.Put, $"{Routes.DatasetUpload(status.UploadId)}?offset=0",
            bytes[..status.ChunkBytes], "application/octet-stream"))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // Starting again (a new process, say) finds the bytes already there; the client sends only the rest.
        var again = await client.SendSignedAsync<DatasetUploadStatus>(HttpMethod.Post, Routes.DatasetUploads, start);
        Assert.Equal((status.UploadId, (long)status.ChunkBytes), (again.UploadId, again.Received));
        var reports = new List<long>();
        var view = await client.UploadDatasetAsync(file, Settings("resumed"), new Progress(reports));
        Assert.Equal(status.ChunkBytes, reports[0]);
        Assert.Equal(700, view.Manifest.Count);

        // A chunk at the wrong offset is a conflict; a completed upload whose bytes hash elsewhere is a 422.
        var lie = new DatasetUploadStart("lie", "csv", 10, new string('a', 64));
        var lying = await client.SendSignedAsync<DatasetUploadStatus>(HttpMethod.Post, Routes.DatasetUploads, lie);
        var chunkAt = $"{Routes.DatasetUpload(lying.UploadId)}?offset=";
        using (var wrong = await client.SendSignedRawAsync(HttpMethod.Put, chunkAt + "5", new byte[5], "application/octet-stream"))
            Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        using (var all = await client.SendSignedRawAsync(HttpMethod.Put, chunkAt + "0", new byte[10], "application/octet-stream"))
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var e = await Assert.ThrowsAsync<SwarmApiException>(() =>
            client.SendSignedAsync<DatasetView>(HttpMethod.Post, Routes.DatasetUploadComplete(lying.UploadId), null));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        Assert.StartsWith($"the uploaded bytes hash to {BlobId.Of(new byte[10])}, not to the declared {new string('a', 64)}", e.Detail);
    }

    [Fact]
    public async Task A_job_names_an_uploaded_dataset_by_id_and_delete_waits_for_it()
    {
        using var client = swarm.Client(_creator);
        var m = (await client.UploadDatasetAsync(CsvFile(60, 5), Settings("for-a-job", shards: 2))).Manifest;
        var spec = Specs.Tiny with { Dataset = m.Id, TrainSamples = null };
        var quote = await client.QuoteAsync(spec);
        Assert.Equal(Quote.DigestOf(spec), quote.SpecDigest);

        // Too many nodes for its shards, a model that does not fit its shape, another creator: refused.
        var tooWide = await Assert.ThrowsAsync<SwarmApiException>(() => client.QuoteAsync(spec with { MaxNodes = 3 }));
        Assert.Contains("maxNodes", tooWide.Errors!.Keys);
        var misfit = await Assert.ThrowsAsync<SwarmApiException>(() => client.QuoteAsync(spec with { Layers = ["flatten", "linear(100,10)"] }));
        Assert.Contains("layers", misfit.Errors!.Keys);
        var cut = await Assert.ThrowsAsync<SwarmApiException>(() => client.QuoteAsync(spec with { FirstSamples = 20 }));
        Assert.Equal(HttpStatusCode.BadRequest, cut.Status);
        Assert.Equal(["applies to a named dataset only: an upload was split once, at upload"], cut.Errors!["firstSamples"]);
        using var other = await swarm.ActorAsync("creator");
        using (var otherClient = swarm.Client(other))
            Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<SwarmApiException>(() => otherClient.SubmitJobAsync(spec))).Status);

        var job = await swarm.JobAsync(_creator, spec);
        Assert.Equal([job.Id], (await client.DatasetAsync(m.Id)).Jobs);
        using (var otherClient = swarm.Client(other))
            Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<SwarmApiException>(() => otherClient.DeleteDatasetAsync(m.Id))).Status);
        var busy = await Assert.ThrowsAsync<SwarmApiException>(() => client.DeleteDatasetAsync(m.Id));
        Assert.Equal(HttpStatusCode.Conflict, busy.Status);
        Assert.Equal($"dataset {m.Id} is in use by running job {job.Id}; delete it once they end", busy.Detail);
        await client.CancelJobAsync(job.Id);
        Assert.Equal("deleted", (await client.DeleteDatasetAsync(m.Id)).Status);
        Assert.DoesNotContain(await client.DatasetsAsync(), d => d.Manifest.Id == m.Id);
        Assert.Equal(HttpStatusCode.Forbidden, await swarm.StatusOfGetAsync(Routes.Blob(m.Holdout.Blob)));
    }

    [Fact]
    public async Task Delete_frees_the_blobs_once_no_other_dataset_uses_them()
    {
        // Two creators upload the same file with the same settings: two datasets, cut into the very same blobs.
        var file = CsvFile(40, 7);
        using var other = await swarm.ActorAsync("creator");
        using var client = swarm.Client(_creator);
        using var otherClient = swarm.Client(other);
        var mine = (await client.UploadDatasetAsync(file, Settings("shared", shards: 2))).Manifest;
        var theirs = (await otherClient.UploadDatasetAsync(file, Settings("shared", shards: 2))).Manifest;
        Assert.NotEqual(mine.Id, theirs.Id);
        var blobs = mine.Shards.Select(s => s.Blob).ToList();
        Assert.Equal(blobs, theirs.Shards.Select(s => s.Blob));
        Assert.Equal(mine.Holdout.Blob, theirs.Holdout.Blob);

        Assert.Equal("deleted", (await client.DeleteDatasetAsync(mine.Id)).Status);
        foreach (var blob in blobs)
            Assert.Equal(HttpStatusCode.OK, await swarm.StatusOfGetAsync(Routes.Blob(blob)));

        Assert.Equal("deleted", (await otherClient.DeleteDatasetAsync(theirs.Id)).Status);
        foreach (var blob in blobs)
            Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Blob(blob)));
        // The holdout, which no GET serves, is gone from the store too.
        Assert.DoesNotContain(swarm.BlobFiles(), f => Path.GetFileName(f) == theirs.Holdout.Blob);

        // Uploading it again brings the dataset and its blobs back.
        var again = (await client.UploadDatasetAsync(file, Settings("shared", shards: 2))).Manifest;
        Assert.Equal(mine.Id, again.Id);
        foreach (var blob in blobs)
            Assert.Equal(HttpStatusCode.OK, await swarm.StatusOfGetAsync(Routes.Blob(blob)));
    }

    [Fact]
    public async Task A_split_seed_fixes_the_holdout_and_shards_and_the_manifest_records_it()
    {
        // Three creators upload one file, so no upload is the cached dataset of another: each is parsed and cut anew.
        var file = CsvFile(50, 8);
        using var a = await swarm.ActorAsync("creator");
        using var b = await swarm.ActorAsync("creator");
        async Task<DatasetManifest> UploadAsync(ActorKey who, ulong? seed)
        {
            using var client = swarm.Client(who);
            return (await client.UploadDatasetAsync(file, new DatasetUploadStart("seeded", "csv", 0, "", Shards: 2, SplitSeed: seed))).Manifest;
        }
        static string[] Parts(DatasetManifest m) => [m.Holdout.Blob, .. m.Shards.Select(s => s.Blob)];

        var first = await UploadAsync(a, 42);
        var same = await UploadAsync(b, 42);
        var other = await UploadAsync(_creator, 43);
        Assert.Equal(Parts(first), Parts(same));
        Assert.NotEqual(first.Holdout.Blob, other.Holdout.Blob);
        Assert.NotEqual(Parts(first)[1..], Parts(other)[1..]);
        Assert.Equal((42UL, 42UL, 43UL), (first.SplitSeed, same.SplitSeed, other.SplitSeed));
        // Stored as sent: the API reads the seed back from the committed manifest.
        using (var reader = swarm.Client(_creator))
            Assert.Equal(43UL, (await reader.DatasetAsync(other.Id)).Manifest.SplitSeed);

        // Without one the seed is the digest's first 8 bytes, recorded as such; given explicitly, it cuts the very same blobs.
        var digestSeed = ulong.Parse(first.SourceSha256[..16], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var unseeded = await UploadAsync(a, null);
        Assert.Equal(digestSeed, unseeded.SplitSeed);
        Assert.Equal(Parts(unseeded), Parts(await UploadAsync(b, digestSeed)));
    }

    [Fact]
    public async Task A_32x32_rgb_upload_takes_the_rgb_cnn_preset_and_refuses_the_greyscale_one()
    {
        var rng = new Random(9);
        var text = new StringBuilder();
        for (var i = 0; i < 30; i++)
            text.Append(i % 10).Append(',').AppendJoin(',', Enumerable.Range(0, 3 * 32 * 32).Select(_ => rng.Next(256))).Append('\n');
        var file = Path.Combine(_dir, "rgb.csv");
        File.WriteAllText(file, text.ToString());
        using var client = swarm.Client(_creator);
        var m = (await client.UploadDatasetAsync(file, new DatasetUploadStart("rgb", "csv", 0, "", Shape: "3x32x32", Shards: 2))).Manifest;
        Assert.Equal([3, 32, 32], m.InputShape);

        var spec = Specs.Tiny with { Dataset = m.Id, Model = "cnn-rgb32", TrainSamples = null, MaxNodes = 2 };
        var quote = await client.QuoteAsync(spec);
        Assert.Equal(Quote.DigestOf(spec), quote.SpecDigest);
        var grey = await Assert.ThrowsAsync<SwarmApiException>(() => client.QuoteAsync(spec with { Model = "cnn" }));
        Assert.Contains("layers", grey.Errors!.Keys);
    }

    // Records synchronously: Progress<T> would post to the thread pool and race the assertions.
    private sealed class Progress(List<long> into) : IProgress<long>
    {
        public void Report(long value) => into.Add(value);
    }
}
