using System.Net;
using System.Security.Cryptography;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;

namespace TrainSwarm.Client.Tests;

/// <summary>
/// `swarm node start --upload-limit`: a paced client sends the same signed bytes, with the same headers, in slices of a tenth of a
/// second's bytes (what spreads the upload over time); responses are untouched.
/// </summary>
public sealed class PacedUploadHandlerTests
{
    [Fact]
    public async Task A_blob_goes_out_byte_for_byte_in_tenth_of_a_second_slices_with_its_signature()
    {
        var bytes = RandomNumberGenerator.GetBytes(100_000);
        var wire = new SliceRecordingHandler();
        using var http = new HttpClient(new PacedUploadHandler(400_000, wire));
        using var key = ActorKey.Generate();
        using var client = new SwarmClient(new Uri("http://127.0.0.1:7070"), key, http);

        var id = await client.PutBlobAsync(bytes);

        Assert.Equal(BlobId.Of(bytes), id);
        Assert.Equal(bytes, wire.Body);
        // 400,000 B/s: slices of 40,000 bytes, the last the rest.
        Assert.Equal([40_000, 40_000, 20_000], wire.Writes);
        Assert.Equal(100_000, wire.ContentLength);
        Assert.Equal("application/octet-stream", wire.ContentType);
        Assert.Equal(HttpSignature.Sign(key, "PUT", $"/api/v1/blobs/{id}", bytes, DateTimeOffset.UtcNow).ContentDigest, wire.Digest);
    }

    [Fact]
    public async Task A_slow_cap_still_sends_slices_of_at_least_a_kibibyte()
    {
        var wire = new SliceRecordingHandler();
        // 5,000 B/s would be slices of 500 bytes; a slice is never below 1,024.
        using var http = new HttpClient(new PacedUploadHandler(5_000, wire));
        using var content = new ByteArrayContent(new byte[3_000]);
        using var response = await http.PostAsync(new Uri("http://127.0.0.1:7070/x"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([1_024, 1_024, 952], wire.Writes);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacedUploadHandler(0, wire));
    }

    // Reads the request body the way a socket would (CopyToAsync into a stream) and notes every write's size.
    private sealed class SliceRecordingHandler : HttpMessageHandler
    {
        public List<int> Writes { get; } = [];
        public byte[] Body { get; private set; } = [];
        public long? ContentLength { get; private set; }
        public string? ContentType { get; private set; }
        public string? Digest { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var sink = new RecordingStream(Writes);
            await request.Content!.CopyToAsync(sink, cancellationToken);
            Body = sink.ToArray();
            ContentLength = request.Content.Headers.ContentLength;
            ContentType = request.Content.Headers.ContentType?.MediaType;
            Digest = request.Headers.TryGetValues(HttpSignature.ContentDigestHeader, out var values) ? values.Single() : null;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
        }
    }

    private sealed class RecordingStream(List<int> writes) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            writes.Add(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
