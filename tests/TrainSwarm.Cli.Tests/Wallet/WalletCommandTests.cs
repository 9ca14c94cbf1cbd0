using System.Text.Json;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Tests.Wallet;

public sealed class WalletCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"swarm-wallet-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Create_writes_a_private_key_file_and_prints_its_ts1_address()
    {
        var path = Path.Combine(_dir, "keys", "me.pem");
        var (code, output) = await CliRunner.Run("wallet", "create", "--key", path);
        Assert.Equal(0, code);
        Assert.Contains($"Created key {path}", output);
        using var key = ActorKey.Load(path);
        Assert.Matches("^ts1[0-9a-f]{40}$", key.Address);
        Assert.Contains($"Address: {key.Address}", output);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Create_refuses_to_overwrite_an_existing_key_without_force()
    {
        var path = Path.Combine(_dir, "me.pem");
        Assert.Equal(0, (await CliRunner.Run("wallet", "create", "--key", path)).ExitCode);
        var before = await File.ReadAllTextAsync(path);

        var (code, output) = await CliRunner.Run("wallet", "create", "--key", path);
        Assert.Equal(1, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error:", line);
        Assert.Contains("--force", line);
        Assert.Equal(before, await File.ReadAllTextAsync(path));

        var (forced, forcedOutput) = await CliRunner.Run("wallet", "create", "--key", path, "--force");
        Assert.Equal(0, forced);
        Assert.NotEqual(before, await File.ReadAllTextAsync(path));
        using var key = ActorKey.Load(path);
        Assert.Contains(key.Address, forcedOutput);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_dir)); // no temporary file left behind
    }

    [Fact]
    public async Task Create_with_json_prints_the_address_and_the_key_path()
    {
        var path = Path.Combine(_dir, "me.pem");
        var (code, output) = await CliRunner.Run("wallet", "create", "--key", path, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        using var key = ActorKey.Load(path);
        Assert.Equal(key.Address, doc.RootElement.GetProperty("address").GetString());
        Assert.Equal(path, doc.RootElement.GetProperty("key").GetString());
    }
}
