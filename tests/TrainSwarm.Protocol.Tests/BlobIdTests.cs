using System.Text;
using TrainSwarm.Protocol.Blobs;

namespace TrainSwarm.Protocol.Tests;

public class BlobIdTests
{
    // SHA-256("abc"), FIPS 180-2 test vector.
    private const string Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Of_is_the_lowercase_hex_sha256()
    {
        Assert.Equal(Abc, BlobId.Of("abc"u8));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", BlobId.Of([]));
    }

    [Fact]
    public async Task OfAsync_hashes_the_rest_of_the_stream()
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes("xxabc"));
        stream.Position = 2;
        Assert.Equal(Abc, await BlobId.OfAsync(stream));
    }

    [Theory]
    [InlineData(Abc)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void IsValid_accepts_64_lowercase_hex_characters(string id) => Assert.True(BlobId.IsValid(id));

    [Theory]
    [InlineData("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData("Ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0")]
    [InlineData("../x")]
    [InlineData("../ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f200")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a/")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015g")]
    [InlineData(" a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a\u0660")]
    [InlineData("")]
    [InlineData(null)]
    public void IsValid_rejects_everything_else(string? id) => Assert.False(BlobId.IsValid(id));
}
