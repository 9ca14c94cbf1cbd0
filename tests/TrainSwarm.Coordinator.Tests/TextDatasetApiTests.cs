using System.Net;
using System.Text;
using TrainSwarm.Client;
using TrainSwarm.Learning.Data.Uploads;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// Text datasets over HTTP: a UTF-8 file becomes a byte-token manifest with a holdout and contiguous token shards named by their
/// SHA-256; bad text is a 422 that stores nothing; lm jobs name one in lm.corpus, image jobs may not, and the quote carries it.
/// </summary>
public sealed class TextDatasetApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>, IAsyncLifetime
{
    private ActorKey _creator = null!;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ts-text-api-" + Guid.NewGuid().ToString("N"));

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

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // 20,000 bytes of seeded ASCII words: 20,000 byte tokens.
    private static byte[] Words(int seed)
    {
        var rng = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < 20_000)
            text.Append((char)('a' + rng.Next(26))).Append(rng.Next(5) == 0 ? ' ' : "");
        return Encoding.ASCII.GetBytes(text.ToString(0, 20_000));
    }

    [Fact]
    public async Task A_text_upload_becomes_a_holdout_and_contiguous_token_shards_an_lm_job_can_name()
    {
        var bytes = Words(1);
        using var client = swarm.Client(_creator);
        var m = (await client.UploadDatasetAsync(Write("words.txt", bytes), new DatasetUploadStart("words", "text", 0, "", Shards: 4))).Manifest;
        Assert.Equal(("text", "byte", 20_000, 0), (m.Format, m.Tokenizer, m.Count, m.Classes));
        Assert.Empty(m.InputShape);
        // Every tenth of 50 blocks of 400 tokens: 2,000 held out; the 18,000 left in 4 contiguous shards of 4,500.
        Assert.Equal(2_000, m.Holdout.Count);
        Assert.Equal([4_500, 4_500, 4_500, 4_500], m.Shards.Select(s => s.Count));
        Assert.Equal([0L, 4_500, 9_000, 13_500], m.Shards.Select(s => s.Start!.Value));
        var train = bytes.Where((_, i) => i % 4_000 < 3_600).Select(b => (int)b).ToArray();
        for (var i = 0; i < 4; i++)
        {
            var shard = await client.GetBlobAsync(m.Shards[i].Blob);
            Assert.Equal(m.Shards[i].Blob, BlobId.Of(shard));
            Assert.Equal(train[(4_500 * i)..(4_500 * (i + 1))], TokenShardCodec.Decode(shard, "s"));
        }
        Assert.Equal(HttpStatusCode.Forbidden, await swarm.StatusOfGetAsync(Routes.Blob(m.Holdout.Blob)));

        var lm = new JobSpec { Kind = JobKinds.Lm, Rounds = 2, MinNodes = 1, MaxNodes = 4, Lm = new LmJobSpec { Corpus = m.Id, InnerSteps = 10 } };
        Assert.Equal(m.Id, (await client.QuoteAsync(lm)).Dataset);
        var job = await client.SubmitJobAsync(lm);
        Assert.Contains(job.Id, (await client.DatasetAsync(m.Id)).Jobs);

        async Task<IReadOnlyDictionary<string, string[]>> RefusedAsync(JobSpec spec)
        {
            var e = await Assert.ThrowsAsync<SwarmApiException>(() => client.QuoteAsync(spec));
            Assert.Equal(HttpStatusCode.BadRequest, e.Status);
            return e.Errors;
        }
        Assert.Equal("must be at most 4: dataset " + m.Id + " has 4 shards, at least one a node",
            (await RefusedAsync(lm with { MaxNodes = 5 }))["maxNodes"][0]);
        Assert.StartsWith($"dataset {m.Id} is text: train it with an lm job",
            (await RefusedAsync(new JobSpec { Dataset = m.Id, Rounds = 1, MinNodes = 1, MaxNodes = 1 }))["dataset"][0]);
        var missing = "ds" + new string('0', 32);
        Assert.StartsWith($"no uploaded dataset {missing}", (await RefusedAsync(lm with { Lm = lm.Lm! with { Corpus = missing } }))["lm.corpus"][0]);
    }

    [Fact]
    public async Task Text_that_is_not_utf8_or_only_whitespace_is_a_422_naming_the_line_and_stores_nothing()
    {
        using var client = swarm.Client(_creator);
        var (blobs, datasets) = (swarm.BlobFiles(), (await client.DatasetsAsync()).Count);
        byte[] latin1 = [.. "first line\nsecond line\nna"u8, 0xEF, (byte)'v', (byte)'e', (byte)'\n'];
        var e = await Assert.ThrowsAsync<SwarmApiException>(() =>
            client.UploadDatasetAsync(Write("latin1.txt", latin1), new DatasetUploadStart("latin1", "text", 0, "")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        Assert.Equal("latin1 line 3: not UTF-8 text: an invalid byte sequence at byte 25", e.Detail);
        e = await Assert.ThrowsAsync<SwarmApiException>(() =>
            client.UploadDatasetAsync(Write("blank.txt", " \n\n\t "u8.ToArray()), new DatasetUploadStart("blank", "text", 0, "")));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "blank: the file holds only whitespace"), (e.Status, e.Detail));
        e = await Assert.ThrowsAsync<SwarmApiException>(() =>
            client.UploadDatasetAsync(Write("short.txt", "tiny"u8.ToArray()), new DatasetUploadStart("short", "text", 0, "")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        Assert.Equal(blobs, swarm.BlobFiles());
        Assert.Equal(datasets, (await client.DatasetsAsync()).Count);
        e = await Assert.ThrowsAsync<SwarmApiException>(() =>
            client.UploadDatasetAsync(Write("seeded.txt", Words(2)), new DatasetUploadStart("seeded", "text", 0, "", SplitSeed: 3)));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
    }
}
