using System.Net;
using System.Text;
using System.Text.Json;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>Blobs are stored only under the SHA-256 of their bytes, within the size limit; a refused upload writes nothing.</summary>
public sealed class BlobApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>, IAsyncLifetime
{
    private ActorKey _node = null!;

    public async Task InitializeAsync() => _node = await swarm.ActorAsync("node");

    public Task DisposeAsync()
    {
        _node.Dispose();
        return Task.CompletedTask;
    }

    private static byte[] Unique(string label) => Encoding.UTF8.GetBytes($"{label} {Guid.NewGuid()}");

    private async Task<HttpResponseMessage> PutAsync(string path, byte[] bytes)
    {
        using var client = swarm.Client(_node);
        return await client.SendSignedRawAsync(HttpMethod.Put, path, bytes, "application/octet-stream");
    }

    [Fact]
    public async Task A_valid_blob_is_stored_and_read_back_byte_for_byte()
    {
        var bytes = Unique("valid");
        var id = BlobId.Of(bytes);
        using var response = await PutAsync(Routes.Blob(id), bytes);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Routes.Blob(id), response.Headers.Location?.OriginalString);
        var info = SwarmJson.Deserialize<BlobInfo>(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(new BlobInfo(id, bytes.Length), info);
        using var client = swarm.Client();
        Assert.Equal(bytes, await client.GetBlobAsync(id));
    }

    [Fact]
    public async Task Uploading_the_same_blob_again_is_harmless()
    {
        var bytes = Unique("twice");
        var id = BlobId.Of(bytes);
        using (var first = await PutAsync(Routes.Blob(id), bytes))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var files = swarm.BlobFiles();
        using (var second = await PutAsync(Routes.Blob(id), bytes))
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(files, swarm.BlobFiles());
    }

    [Fact]
    public async Task Bytes_that_do_not_hash_to_the_id_are_refused_and_not_stored()
    {
        var claimed = Unique("claimed");
        var sent = Unique("sent");
        var id = BlobId.Of(claimed);
        var files = swarm.BlobFiles();
        using var response = await PutAsync(Routes.Blob(id), sent);
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal($"blob {id} refused: the bytes hash to {BlobId.Of(sent)}, not to {id}", Detail(problem));
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Blob(id)));
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Blob(BlobId.Of(sent))));
        Assert.Equal(files, swarm.BlobFiles());
    }

    [Theory]
    [InlineData("..%2Fx")]
    [InlineData("..%2F..%2Fswarm.db")]
    [InlineData("..%2F..%2Fcoordinator.pem")]
    [InlineData("..%2F..%2F..%2Fetc%2Fpasswd")]
    public async Task A_path_traversal_id_is_refused(string encodedId)
    {
        var bytes = Unique("traversal");
        var files = swarm.BlobFiles();
        using var response = await PutAsync(Routes.Blobs + "/" + encodedId, bytes);
        await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(files, swarm.BlobFiles());
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Blob(BlobId.Of(bytes))));
    }

    [Fact]
    public async Task An_uppercase_id_is_refused()
    {
        var bytes = Unique("upper");
        var id = BlobId.Of(bytes);
        var files = swarm.BlobFiles();
        using var response = await PutAsync(Routes.Blob(id.ToUpperInvariant()), bytes);
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal($"'{id.ToUpperInvariant()}' is not a blob id (64 lowercase hex characters)", Detail(problem));
        Assert.Equal(files, swarm.BlobFiles());
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Blob(id)));
        // Reading by a malformed id is refused the same way.
        using var get = await swarm.Http.GetAsync(new Uri(swarm.BaseAddress, Routes.Blob(id.ToUpperInvariant())));
        await AssertAsync(get, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_blob_one_byte_over_the_limit_is_refused_as_too_large()
    {
        var bytes = new byte[CoordinatorFixture.MaxBlobBytes + 1];
        new Random(1).NextBytes(bytes);
        var id = BlobId.Of(bytes);
        var files = swarm.BlobFiles();
        using var response = await PutAsync(Routes.Blob(id), bytes);
        var problem = await AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal($"the body has {bytes.Length} bytes; the limit is {CoordinatorFixture.MaxBlobBytes}", Detail(problem));
        Assert.Equal(files, swarm.BlobFiles());
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Blob(id)));
    }

    [Fact]
    public async Task A_blob_of_exactly_the_limit_is_stored()
    {
        var bytes = new byte[CoordinatorFixture.MaxBlobBytes];
        new Random(2).NextBytes(bytes);
        var id = BlobId.Of(bytes);
        using var response = await PutAsync(Routes.Blob(id), bytes);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var client = swarm.Client();
        Assert.Equal(bytes, await client.GetBlobAsync(id));
    }

    [Fact]
    public async Task A_missing_blob_is_a_not_found_problem()
    {
        using var response = await swarm.Http.GetAsync(new Uri(swarm.BaseAddress, Routes.Blob(BlobId.Of(Unique("missing")))));
        var problem = await AssertAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(JsonValueKind.String, problem.GetProperty("detail").ValueKind);
    }
}
