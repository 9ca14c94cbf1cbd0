using System.Text;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Protocol.Tests;

public class ActorKeyTests
{
    [Fact]
    public void Address_is_ts1_and_hex_of_the_first_20_bytes_of_sha256_of_the_spki()
    {
        using var key = ActorKey.Generate();
        var expected = "ts1" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(key.PublicKey)[..20]);
        Assert.Equal(expected, key.Address);
        Assert.Equal(Address.Length, key.Address.Length);
        Assert.True(Address.IsWellFormed(key.Address));
        Assert.False(Address.IsWellFormed("ts1XYZ"));
    }

    [Fact]
    public void Signature_verifies_only_for_the_same_message_and_key()
    {
        using var key = ActorKey.Generate();
        using var other = ActorKey.Generate();
        var message = Encoding.UTF8.GetBytes("pay 5 tokens");
        var signature = key.Sign(message);
        Assert.Equal(64, signature.Length);
        Assert.True(ActorKey.Verify(key.PublicKey, message, signature));
        Assert.False(ActorKey.Verify(key.PublicKey, Encoding.UTF8.GetBytes("pay 6 tokens"), signature));
        Assert.False(ActorKey.Verify(other.PublicKey, message, signature));
        Assert.False(ActorKey.Verify([1, 2, 3], message, signature));
        Assert.False(ActorKey.Verify(key.PublicKey, message, signature[..63]));
    }

    [Fact]
    public void Saved_key_file_is_owner_only_and_loads_back_to_the_same_address()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ts-key-{Guid.NewGuid():N}", "actor.pem");
        try
        {
            using var key = ActorKey.Generate();
            key.Save(path);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            using var loaded = ActorKey.Load(path);
            Assert.Equal(key.Address, loaded.Address);
            Assert.True(ActorKey.Verify(key.PublicKey, [7], loaded.Sign([7])));
            Assert.Throws<IOException>(() => key.Save(path)); // never overwrite a key silently
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Loading_garbage_is_a_clear_error()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a key");
            var error = Assert.Throws<InvalidDataException>(() => ActorKey.Load(path));
            Assert.Contains("ECDSA P-256", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
