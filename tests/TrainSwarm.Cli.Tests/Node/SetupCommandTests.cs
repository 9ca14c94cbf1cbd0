using System.Diagnostics;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Tests.Node;

/// <summary>`swarm node setup --yes`: the config it writes, and the key it creates or imports (file, PEM variable, key-file variable).</summary>
public sealed class SetupCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"swarm-node-setup-{Guid.NewGuid():N}");

    public SetupCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ConfigPath => Path.Combine(_dir, "config.json");
    private string KeyPath => Path.Combine(_dir, "keys", "node.pem");

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private Task<(int ExitCode, string Output)> Setup(params string[] args) =>
        CliRunner.Run(["node", "setup", "--yes", "--config", ConfigPath, "--key", KeyPath, .. args]);

    private string NewPemFile(out string address)
    {
        var path = Path.Combine(_dir, $"import-{Guid.NewGuid():N}.pem");
        using var key = ActorKey.Generate();
        key.Save(path);
        address = key.Address;
        return path;
    }

    [Fact]
    public async Task Unattended_setup_writes_exactly_the_answers_given_as_flags()
    {
        var (code, output) = await Setup("--coordinator", "http://10.0.0.5:7070/", "--dataset", "fashion-mnist, mnist", "--min-reward", "0.05",
            "--max-reward", "3", "--max-stake", "1.5", "--name", "rig one", "--skip-benchmark");
        Assert.Equal(0, code);
        Assert.Equal($$"""
            {
              "coordinator": "http://10.0.0.5:7070",
              "key_file": "{{KeyPath}}",
              "name": "rig one",
              "datasets": [
                "fashion-mnist",
                "mnist"
              ],
              "min_reward": "0.050000",
              "max_reward": "3.000000",
              "max_stake": "1.500000"
            }

            """, await File.ReadAllTextAsync(ConfigPath));
        ConfigCommandTests.AssertOwnerOnly(ConfigPath);
        ConfigCommandTests.AssertOwnerOnly(KeyPath);
        using var key = ActorKey.Load(KeyPath);
        Assert.Equal(
        [
            "Node setup:",
            $"key          {KeyPath} (new key)",
            $"address      {key.Address}",
            "coordinator  http://10.0.0.5:7070",
            "datasets     fashion-mnist, mnist",
            "reward       expected reward 0.050000 to 3.000000 tokens",
            "max stake    1.500000 tokens per round",
            "benchmark    skipped (--skip-benchmark)",
            $"Wrote {ConfigPath}",
            $"On a devnet, fund the node first: swarm wallet faucet --role node --key {KeyPath} --coordinator http://10.0.0.5:7070",
            $"Next: swarm node start --config {ConfigPath}",
        ], Lines(output));
    }

    [Fact]
    public async Task Setup_keeps_the_other_settings_and_the_existing_key()
    {
        Assert.Equal(0, (await CliRunner.Run("node", "config", "--config", ConfigPath, "--set", "epochs=3", "--set", "min_reward=2", "--preset",
            "quick-test")).ExitCode); // --preset applies before --set
        Assert.Equal(0, (await Setup("--skip-benchmark")).ExitCode);
        var first = await File.ReadAllTextAsync(KeyPath);
        var (code, output) = await Setup("--min-reward", "none", "--skip-benchmark");
        Assert.Equal(0, code);
        Assert.Equal(first, await File.ReadAllTextAsync(KeyPath));
        Assert.Contains($"key          {KeyPath} (existing key)", Lines(output));
        Assert.Equal($$"""
            {
              "coordinator": "http://127.0.0.1:7070",
              "key_file": "{{KeyPath}}",
              "datasets": [
                "fashion-mnist"
              ],
              "epochs": 3,
              "max_batches": 20,
              "max_parallel": 1,
              "preset": "quick-test"
            }

            """, await File.ReadAllTextAsync(ConfigPath));
    }

    [Fact]
    public async Task Import_key_copies_the_pem_file_and_keeps_its_address()
    {
        var pem = NewPemFile(out var address);
        var (code, output) = await Setup("--import-key", pem, "--skip-benchmark");
        Assert.Equal(0, code);
        using (var key = ActorKey.Load(KeyPath))
            Assert.Equal(address, key.Address);
        Assert.Contains($"address      {address}", Lines(output));
        Assert.Contains($"key          {KeyPath} (imported from {pem})", Lines(output));
        ConfigCommandTests.AssertOwnerOnly(KeyPath);

        // Importing a different key over it is refused, and nothing changes.
        var config = await File.ReadAllBytesAsync(ConfigPath);
        var other = NewPemFile(out _);
        (code, output) = await Setup("--import-key", other, "--coordinator", "http://10.1.1.1:7070", "--skip-benchmark");
        Assert.Equal(1, code);
        Assert.Equal($"error: a different key ({address}) is already at {KeyPath}; it is not replaced: choose another path with --key",
            Assert.Single(Lines(output)));
        Assert.Equal(config, await File.ReadAllBytesAsync(ConfigPath));
        using (var key = ActorKey.Load(KeyPath))
            Assert.Equal(address, key.Address);

        (code, output) = await Setup("--new-key", "--skip-benchmark");
        Assert.Equal(1, code);
        Assert.Equal($"error: a key already exists at {KeyPath}; keep it (leave out --new-key) or choose another path with --key",
            Assert.Single(Lines(output)));
    }

    [Fact]
    public async Task Bad_answers_are_one_line_and_write_nothing()
    {
        var (code, output) = await Setup("--import-key", Path.Combine(_dir, "missing.pem"), "--skip-benchmark");
        Assert.Equal(1, code);
        Assert.Equal($"error: there is no key file at {Path.Combine(_dir, "missing.pem")}", Assert.Single(Lines(output)));
        (code, output) = await Setup("--min-reward", "abc");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --min-reward must be a token amount", Assert.Single(Lines(output)));
        (code, output) = await Setup("--min-reward", "2", "--max-reward", "1", "--skip-benchmark");
        Assert.Equal(1, code);
        Assert.Equal("error: nothing was written: min_reward 2.000000 is above max_reward 1.000000", Assert.Single(Lines(output)));
        (code, output) = await Setup("--new-key", "--import-key", "x.pem");
        Assert.Equal(2, code);
        Assert.Equal("error: --new-key and --import-key exclude each other (see --help)", Assert.Single(Lines(output)));
        Assert.False(File.Exists(ConfigPath));
        Assert.False(File.Exists(KeyPath));

        // Without --yes there must be a terminal to ask in.
        (code, output) = await CliRunner.Run("node", "setup", "--config", ConfigPath, "--key", KeyPath);
        Assert.Equal(2, code);
        Assert.Equal("error: there is no terminal to ask in; run swarm node setup --yes with flags (see --help)", Assert.Single(Lines(output)));
        Assert.False(File.Exists(ConfigPath));
    }

    [Fact]
    public async Task The_benchmark_measures_this_machine()
    {
        var (code, output) = await Setup("--benchmark-seconds", "1");
        Assert.Equal(0, code);
        Assert.Contains("Measuring this machine (1 s)...", Lines(output));
        Assert.Matches(@"benchmark    [0-9,]+ samples/s training mlp; \d+ cores, ", output);
    }

    [Fact]
    public async Task Setup_imports_the_key_in_the_private_key_variable()
    {
        using var key = ActorKey.Generate();
        var home = Directory.CreateDirectory(Path.Combine(_dir, "home")).FullName;
        var (code, output, error) = await NodeCliProcess.RunAsync(home, new Dictionary<string, string> { ["TRAINSWARM_PRIVATE_KEY"] = key.ToPem() },
            "node", "setup", "--yes", "--skip-benchmark");
        Assert.True(code == 0, output + error);
        var keyPath = Path.Combine(home, ".trainswarm", "keys", "node.pem");
        var configPath = Path.Combine(home, ".trainswarm", "config.json");
        using (var imported = ActorKey.Load(keyPath))
            Assert.Equal(key.Address, imported.Address);
        Assert.Contains($"key          {keyPath} (imported from $TRAINSWARM_PRIVATE_KEY)", Lines(output));
        Assert.Contains("Next: swarm node start", Lines(output)); // the default config file: no --config to type
        Assert.Contains($"\"key_file\": \"{keyPath}\"", await File.ReadAllTextAsync(configPath));
        Assert.DoesNotContain("PRIVATE KEY", await File.ReadAllTextAsync(configPath));
        ConfigCommandTests.AssertOwnerOnly(keyPath);
    }

    [Fact]
    public async Task Setup_imports_the_key_file_variable()
    {
        var pem = NewPemFile(out var address);
        var home = Directory.CreateDirectory(Path.Combine(_dir, "home")).FullName;
        var (code, output, error) = await NodeCliProcess.RunAsync(home, new Dictionary<string, string> { ["TRAINSWARM_KEY_FILE"] = pem },
            "node", "setup", "--yes", "--skip-benchmark", "--config", ConfigPath);
        Assert.True(code == 0, output + error);
        using var imported = ActorKey.Load(Path.Combine(home, ".trainswarm", "keys", "node.pem"));
        Assert.Equal(address, imported.Address);
    }

    [Fact]
    public async Task Start_uses_the_private_key_variable_when_no_key_is_configured()
    {
        using var key = ActorKey.Generate();
        var home = Directory.CreateDirectory(Path.Combine(_dir, "home")).FullName;
        var info = NodeCliProcess.StartInfo(home, new Dictionary<string, string> { ["TRAINSWARM_PRIVATE_KEY"] = key.ToPem() },
            "node", "start", "--config", ConfigPath, "--coordinator", "http://127.0.0.1:9", "--threads", "1");
        using var process = Process.Start(info)!;
        try
        {
            var seen = new List<string>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline && await process.StandardOutput.ReadLineAsync() is { } line)
            {
                seen.Add(line);
                if (line == "Ctrl+C stops.")
                    break;
            }
            Assert.Contains($"  address      {key.Address}", seen);
            Assert.Contains("  key          PEM text ($TRAINSWARM_PRIVATE_KEY)", seen);
            Assert.False(Directory.Exists(Path.Combine(home, ".trainswarm", "keys")), "the default key must not be created");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
