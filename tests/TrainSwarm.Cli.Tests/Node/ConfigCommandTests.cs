using System.Text.Json;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Tests.Node;

/// <summary>`swarm node config`: every key type, bad input that changes nothing, presets, mappings, paths, the file's mode and redaction.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"swarm-node-config-{Guid.NewGuid():N}");

    public ConfigCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ConfigPath => Path.Combine(_dir, "config.json");

    private Task<(int ExitCode, string Output)> Config(params string[] args) => CliRunner.Run(["node", "config", "--config", ConfigPath, .. args]);

    /// <summary>Mode 0600: only the owner reads or writes the file (Windows has no such mode).</summary>
    internal static void AssertOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Set_writes_every_key_type_exactly()
    {
        var keyPath = Path.Combine(_dir, "node.pem");
        using (var key = ActorKey.Generate())
            key.Save(keyPath);
        var (code, output) = await Config(
            "--set", "coordinator=http://10.0.0.5:7070/", "--set", $"key_file={keyPath}", "--set", "name=rig one",
            "--set", "datasets=fashion-mnist, mnist,fashion-mnist", "--set", "min_reward=0.5", "--set", "max_reward=2",
            "--set", "max_stake=1.25", "--set", "epochs=3", "--set", "max_batches=0", "--set", "max_parallel=2",
            "--set", "auto_train=false", "--set", "auto_claim=true", "--set", "encoding=int8", "--set", "threads=2",
            "--set", "poll_ms=250", "--set", $"data_dir={_dir}");
        Assert.Equal(0, code);
        Assert.Contains("set min_reward = 0.500000", Lines(output));
        Assert.Equal($"wrote {ConfigPath}", Lines(output)[^1]);
        Assert.Equal($$"""
            {
              "coordinator": "http://10.0.0.5:7070",
              "key_file": "{{keyPath}}",
              "name": "rig one",
              "datasets": [
                "fashion-mnist",
                "mnist"
              ],
              "min_reward": "0.500000",
              "max_reward": "2.000000",
              "max_stake": "1.250000",
              "epochs": 3,
              "max_batches": 0,
              "max_parallel": 2,
              "auto_train": false,
              "auto_claim": true,
              "encoding": "int8",
              "threads": 2,
              "poll_ms": 250,
              "data_dir": "{{_dir}}"
            }

            """, await File.ReadAllTextAsync(ConfigPath));
        AssertOwnerOnly(ConfigPath);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp")); // the temporary file was renamed over the config

        // An empty value removes the key again (back to its default).
        Assert.Equal(0, (await Config("--set", "epochs=", "--set", "name=")).ExitCode);
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath)).RootElement;
        Assert.False(json.TryGetProperty("epochs", out _));
        Assert.False(json.TryGetProperty("name", out _));
        Assert.Equal(2, json.GetProperty("threads").GetInt32());
    }

    [Fact]
    public async Task An_unknown_key_is_one_line_of_bad_usage_and_changes_nothing()
    {
        Assert.Equal(0, (await Config("--set", "epochs=2")).ExitCode);
        var before = await File.ReadAllBytesAsync(ConfigPath);
        var (code, output) = await Config("--set", "epochs=4", "--set", "colour=red");
        Assert.Equal(2, code);
        Assert.Equal("error: unknown config key 'colour'; keys: coordinator, key_file, name, datasets, min_reward, max_reward, max_stake, epochs, " +
                     "max_batches, max_parallel, auto_train, auto_claim, encoding, threads, poll_ms, data_dir, preset", Assert.Single(Lines(output)));
        Assert.Equal(before, await File.ReadAllBytesAsync(ConfigPath));
    }

    [Theory]
    [InlineData("epochs=0", "error: invalid value for epochs: '0' is out of range or not a whole number; accepted: a whole number from 1 to 1000")]
    [InlineData("max_batches=-1", "error: invalid value for max_batches: '-1' is out of range or not a whole number; accepted: a whole number from 0 " +
        "(no cap) to 1000000")]
    [InlineData("max_parallel=two", "error: invalid value for max_parallel: 'two' is out of range or not a whole number; accepted: a whole number " +
        "from 1 to 64")]
    [InlineData("auto_train=yes", "error: invalid value for auto_train: 'yes' is not true or false; accepted: true or false")]
    [InlineData("encoding=f16", "error: invalid value for encoding: 'f16' is not an update encoding; accepted: f32 or int8")]
    [InlineData("min_reward=1.1234567", "error: invalid value for min_reward: '1.1234567' is not a token amount; accepted: a token amount with at " +
        "most 6 decimals, e.g. 0.5")]
    [InlineData("max_stake=-1", "error: invalid value for max_stake: '-1' is not a token amount; accepted: a token amount with at most 6 decimals, e.g. 1")]
    [InlineData("coordinator=ftp://host", "error: invalid value for coordinator: 'ftp://host' is not an http(s) URL; accepted: an http(s) URL such as " +
        "http://127.0.0.1:7070")]
    [InlineData("datasets=Fashion_MNIST", "error: invalid value for datasets: 'Fashion_MNIST' is not a dataset name; accepted: dataset names " +
        "separated by commas (lowercase letters, digits, '.', '_', '-')")]
    [InlineData("poll_ms=5", "error: invalid value for poll_ms: '5' is out of range or not a whole number; accepted: a whole number of milliseconds " +
        "from 10 to 3600000")]
    [InlineData("epochs", "error: --set takes KEY=VALUE, not 'epochs'; keys: coordinator, key_file, name, datasets, min_reward, max_reward, " +
        "max_stake, epochs, max_batches, max_parallel, auto_train, auto_claim, encoding, threads, poll_ms, data_dir, preset")]
    [InlineData("mappings=a:b", "error: mappings is not set with --set; use --add-mapping REQUESTED:LOCAL and --remove-mapping REQUESTED")]
    public async Task A_bad_value_is_one_line_naming_the_key_and_the_accepted_values_and_changes_nothing(string assignment, string error)
    {
        Assert.Equal(0, (await Config("--set", "epochs=2")).ExitCode);
        var before = await File.ReadAllBytesAsync(ConfigPath);
        var (code, output) = await Config("--set", "threads=3", "--set", assignment);
        Assert.Equal(2, code);
        Assert.Equal(error, Assert.Single(Lines(output)));
        Assert.Equal(before, await File.ReadAllBytesAsync(ConfigPath));
    }

    [Fact]
    public async Task Values_checked_against_this_machine_are_errors_that_change_nothing()
    {
        var missing = Path.Combine(_dir, "nowhere");
        var (code, output) = await Config("--set", $"data_dir={missing}");
        Assert.Equal(1, code);
        Assert.Equal($"error: invalid value for data_dir: the directory {missing} does not exist", Assert.Single(Lines(output)));
        (code, output) = await Config("--set", $"key_file={missing}.pem");
        Assert.Equal(1, code);
        Assert.Equal($"error: invalid value for key_file: there is no key file at {missing}.pem (create one with: swarm wallet create --key " +
            $"{missing}.pem)", Assert.Single(Lines(output)));
        (code, output) = await Config("--set", "max_reward=1", "--set", "min_reward=2");
        Assert.Equal(1, code);
        Assert.Equal("error: not saved: min_reward 2.000000 is above max_reward 1.000000", Assert.Single(Lines(output)));
        Assert.False(File.Exists(ConfigPath));
    }

    [Fact]
    public async Task A_mapping_must_point_at_a_dataset_the_node_can_load()
    {
        Assert.Equal(0, (await Config("--set", "epochs=2")).ExitCode);
        var before = await File.ReadAllBytesAsync(ConfigPath);
        var (code, output) = await Config("--add-mapping", "digits:cifar10");
        Assert.Equal(1, code);
        Assert.Equal("error: --add-mapping digits:cifar10: this node cannot load dataset 'cifar10': it is not one this build knows "
                     + "(fashion-mnist, mnist, kmnist, emnist-balanced, cifar-10, cifar-100, svhn) and has no configured path "
                     + "(add one with --add-path cifar10:/DIR)",
            Assert.Single(Lines(output)));
        Assert.Equal(before, await File.ReadAllBytesAsync(ConfigPath));

        var missing = Path.Combine(_dir, "no-such-dir");
        (code, output) = await Config("--add-path", $"cifar10:{missing}", "--add-mapping", "digits:cifar10");
        Assert.Equal(1, code);
        Assert.Equal($"error: --add-path cifar10: the directory {missing} does not exist", Assert.Single(Lines(output)));
        Assert.Equal(before, await File.ReadAllBytesAsync(ConfigPath));

        // A known dataset, and one given a path in the same command, are both loadable.
        var data = Directory.CreateDirectory(Path.Combine(_dir, "cifar")).FullName;
        (code, output) = await Config("--add-path", $"cifar10:{data}", "--add-mapping", "digits:cifar10", "--add-mapping", "mnist:fashion-mnist");
        Assert.Equal(0, code);
        Assert.Equal(["added path cifar10 = " + data, "added mapping digits -> cifar10", "added mapping mnist -> fashion-mnist",
            $"wrote {ConfigPath}"], Lines(output));
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath)).RootElement;
        Assert.Equal("""{"digits":"cifar10","mnist":"fashion-mnist"}""", JsonSerializer.Serialize(json.GetProperty("mappings")));
        Assert.Equal(data, json.GetProperty("paths").GetProperty("cifar10").GetString());

        (code, output) = await Config("--remove-mapping", "digits");
        Assert.Equal(0, code);
        var saved = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath)).RootElement;
        Assert.Equal("""{"mnist":"fashion-mnist"}""", JsonSerializer.Serialize(saved.GetProperty("mappings")));
        (code, output) = await Config("--remove-mapping", "digits");
        Assert.Equal(1, code);
        Assert.Equal("error: --remove-mapping: there is no mapping for 'digits' (mappings: mnist)", Assert.Single(Lines(output)));
    }

    [Fact]
    public async Task A_corrupt_file_is_named_with_its_line_and_no_command_overwrites_it()
    {
        var text = "{\n  \"epochs\": 3,\n  \"name\": \n}\n";
        await File.WriteAllTextAsync(ConfigPath, text);
        var expected = $"error: the node config {ConfigPath} is corrupt at line 4: '}}' is an invalid start of a value; fix the file or delete it " +
            $"(nothing was changed)";
        string[][] commands =
        [
            ["node", "config", "--config", ConfigPath],
            ["node", "config", "--config", ConfigPath, "--set", "epochs=2"],
            ["node", "config", "--config", ConfigPath, "--reset"],
            ["node", "config", "--config", ConfigPath, "--preset", "quick-test"],
            ["node", "config", "--config", ConfigPath, "--preset", "list"],
            ["node", "setup", "--config", ConfigPath, "--yes", "--key", Path.Combine(_dir, "k.pem"), "--skip-benchmark"],
            ["node", "start", "--config", ConfigPath, "--key", Path.Combine(_dir, "k.pem"), "--coordinator", "http://127.0.0.1:9"],
        ];
        foreach (var args in commands)
        {
            var (code, output) = await CliRunner.Run(args);
            Assert.Equal(1, code);
            Assert.Equal(expected, Assert.Single(Lines(output)));
            Assert.Equal(text, await File.ReadAllTextAsync(ConfigPath));
        }
        Assert.False(File.Exists(Path.Combine(_dir, "k.pem")));
    }

    [Theory]
    [InlineData("{\n  \"epochs\": 3,\n  \"colour\": \"red\"\n}\n", "is corrupt at line 3: unknown key 'colour' (keys: coordinator, key_file, name, " +
        "datasets, min_reward, max_reward, max_stake, epochs, max_batches, max_parallel, auto_train, auto_claim, encoding, threads, poll_ms, " +
        "data_dir, preset, mappings, paths, presets)")]
    [InlineData("{\n  \"name\": \"x\",\n  \"epochs\": 0\n}\n", "has a bad value at line 3: epochs: '0' is out of range or not a whole number " +
        "(accepted: a whole number from 1 to 1000)")]
    [InlineData("{\n  \"epochs\": \"3\"\n}\n", "is corrupt at line 2: The JSON value could not be converted to System.Nullable`1[System.Int32]")]
    [InlineData("", "is corrupt at line 1: the file is empty")]
    public async Task A_file_with_a_bad_value_or_key_is_an_error_naming_the_line(string text, string problem)
    {
        await File.WriteAllTextAsync(ConfigPath, text);
        var (code, output) = await Config("--set", "threads=2");
        Assert.Equal(1, code);
        Assert.Equal($"error: the node config {ConfigPath} {problem}; fix the file or delete it (nothing was changed)", Assert.Single(Lines(output)));
        Assert.Equal(text, await File.ReadAllTextAsync(ConfigPath));
    }

    [Fact]
    public async Task Reset_keeps_only_the_key_file_and_the_saved_presets()
    {
        var keyPath = Path.Combine(_dir, "node.pem");
        using (var key = ActorKey.Generate())
            key.Save(keyPath);
        Assert.Equal(0, (await Config("--set", $"key_file={keyPath}", "--set", "epochs=4", "--set", "min_reward=0.1", "--save-preset", "mine",
            "--add-mapping", "mnist:fashion-mnist")).ExitCode);
        var (code, output) = await Config("--reset");
        Assert.Equal(0, code);
        Assert.Equal(["reset every setting to its default (kept key_file and saved presets)", $"wrote {ConfigPath}"], Lines(output));
        Assert.Equal($$"""
            {
              "key_file": "{{keyPath}}",
              "presets": {
                "mine": {
                  "min_reward": "0.100000",
                  "epochs": 4
                }
              }
            }

            """, await File.ReadAllTextAsync(ConfigPath));
    }

    [Fact]
    public async Task A_preset_applies_its_settings_and_is_recorded()
    {
        Assert.Equal(0, (await Config("--set", "epochs=5", "--set", "threads=2")).ExitCode);
        var (code, output) = await Config("--preset", "quick-test");
        Assert.Equal(0, code);
        Assert.Equal(["applied preset quick-test: epochs=1 max_batches=20 max_parallel=1", $"wrote {ConfigPath}"], Lines(output));
        Assert.Equal("""
            {
              "epochs": 1,
              "max_batches": 20,
              "max_parallel": 1,
              "threads": 2,
              "preset": "quick-test"
            }

            """, await File.ReadAllTextAsync(ConfigPath));

        // A later --set still wins in the file; the preset only copied its values in.
        Assert.Equal(0, (await Config("--set", "max_batches=50")).ExitCode);
        Assert.Equal(50, JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath)).RootElement.GetProperty("max_batches").GetInt32());

        var before = await File.ReadAllBytesAsync(ConfigPath);
        (code, output) = await Config("--preset", "turbo");
        Assert.Equal(2, code);
        Assert.Equal("error: unknown preset 'turbo'; presets: image-all, image-small, cifar-only, mnist-only, high-reward, quick-test " +
                     "(swarm node config --preset list shows their settings)", Assert.Single(Lines(output)));
        Assert.Equal(before, await File.ReadAllBytesAsync(ConfigPath));
    }

    [Fact]
    public async Task Preset_list_shows_every_preset_with_its_settings()
    {
        Assert.Equal(0, (await Config("--set", "min_reward=0.2", "--set", "max_parallel=3", "--save-preset", "night")).ExitCode);
        var (code, output) = await Config("--preset", "list", "--json");
        Assert.Equal(0, code);
        var presets = JsonDocument.Parse(output).RootElement.EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => (BuiltIn: p.GetProperty("built_in").GetBoolean(),
                Settings: JsonSerializer.Serialize(p.GetProperty("settings"))));
        Assert.Equal(new[] { "image-all", "image-small", "cifar-only", "mnist-only", "high-reward", "quick-test", "night" }, presets.Keys.ToArray());
        Assert.Equal((true, """{"datasets":["fashion-mnist","mnist","kmnist","emnist-balanced","cifar-10","cifar-100","svhn"]}"""), presets["image-all"]);
        Assert.Equal((true, """{"datasets":["fashion-mnist","mnist","kmnist","emnist-balanced"],"max_parallel":1}"""), presets["image-small"]);
        Assert.Equal((true, """{"datasets":["cifar-10","cifar-100"]}"""), presets["cifar-only"]);
        Assert.Equal((true, """{"datasets":["mnist","fashion-mnist","kmnist"]}"""), presets["mnist-only"]);
        Assert.Equal((true, """{"min_reward":"1.000000"}"""), presets["high-reward"]);
        Assert.Equal((true, """{"epochs":1,"max_batches":20,"max_parallel":1}"""), presets["quick-test"]);
        Assert.Equal((false, """{"min_reward":"0.200000","max_parallel":3}"""), presets["night"]);

        (code, output) = await Config("--preset", "list");
        Assert.Equal(0, code);
        var rows = Lines(output);
        Assert.Contains(rows, r => r.Contains("quick-test", StringComparison.Ordinal) && r.Contains("built-in", StringComparison.Ordinal)
                                   && r.Contains("epochs=1 max_batches=20 max_parallel=1", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("night", StringComparison.Ordinal) && r.Contains("user", StringComparison.Ordinal)
                                   && r.Contains("min_reward=0.200000 max_parallel=3", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("high-reward", StringComparison.Ordinal) && r.Contains("min_reward=1.000000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_saved_preset_can_be_applied_after_a_reset()
    {
        var (code, output) = await Config("--set", "epochs=2", "--set", "max_reward=3", "--set", "encoding=int8", "--set", "name=box",
            "--save-preset", "mine");
        Assert.Equal(0, code);
        Assert.Contains("saved preset mine: max_reward=3.000000 epochs=2 encoding=int8", Lines(output));
        Assert.Equal(0, (await Config("--reset")).ExitCode);
        (code, output) = await Config("--preset", "mine");
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath)).RootElement;
        Assert.Equal(2, json.GetProperty("epochs").GetInt32());
        Assert.Equal("3.000000", json.GetProperty("max_reward").GetString());
        Assert.Equal("int8", json.GetProperty("encoding").GetString());
        Assert.Equal("mine", json.GetProperty("preset").GetString());
        Assert.False(json.TryGetProperty("name", out _)); // a preset carries no identity

        (code, output) = await Config("--save-preset", "quick-test");
        Assert.Equal(2, code);
        Assert.Equal("error: --save-preset: 'quick-test' is a built-in preset; choose another name", Assert.Single(Lines(output)));
    }

    [Fact]
    public async Task Show_redacts_secrets_in_text_and_json()
    {
        Assert.Equal(0, (await Config("--set", "coordinator=http://alice:s3cret@10.0.0.5:7070", "--set", "epochs=2")).ExitCode);
        var (code, output) = await Config("--show");
        Assert.Equal(0, code);
        Assert.DoesNotContain("s3cret", output);
        var lines = Lines(output);
        Assert.Equal($"node config {ConfigPath}", lines[0]);
        Assert.Contains("coordinator   http://alice:<redacted>@10.0.0.5:7070", lines);
        Assert.Contains("epochs        2", lines);
        Assert.Contains("max_batches   0 (no cap) (default)", lines);

        (code, output) = await Config("--show", "--json");
        Assert.Equal(0, code);
        Assert.DoesNotContain("s3cret", output);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("http://alice:<redacted>@10.0.0.5:7070", json.GetProperty("coordinator").GetString());
        Assert.Equal(2, json.GetProperty("epochs").GetInt32());
        Assert.Equal(2, json.EnumerateObject().Count());

        // --json with a change prints only the JSON (after writing), so a script can parse it.
        (code, output) = await Config("--set", "threads=2", "--json");
        Assert.Equal(0, code);
        Assert.Equal(2, JsonDocument.Parse(output).RootElement.GetProperty("threads").GetInt32());

        // A private key pasted into a value by hand is never printed either.
        using var key = ActorKey.Generate();
        var pem = key.ToPem();
        await File.WriteAllTextAsync(ConfigPath, JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = pem[..90] }));
        (code, output) = await Config("--json");
        Assert.Equal(0, code);
        Assert.DoesNotContain("PRIVATE KEY", output);
        Assert.Equal("<redacted>", JsonDocument.Parse(output).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Without_a_file_show_lists_the_defaults_and_writes_nothing()
    {
        var (code, output) = await Config();
        Assert.Equal(0, code);
        var lines = Lines(output);
        Assert.Equal($"node config {ConfigPath} (not created yet: every setting is its default)", lines[0]);
        Assert.Contains("datasets      fashion-mnist (default)", lines);
        Assert.Contains("auto_claim    true (default)", lines);
        Assert.Contains("presets       none saved", lines);
        Assert.False(File.Exists(ConfigPath));
    }

    [Fact]
    public async Task The_config_variable_names_the_file_when_no_option_does()
    {
        // Run as a process: the variable belongs to that process only.
        var home = Path.Combine(_dir, "home");
        var (code, output, _) = await NodeCliProcess.RunAsync(home, new Dictionary<string, string> { ["TRAINSWARM_CONFIG"] = ConfigPath }, "node",
            "config", "--set", "epochs=7");
        Assert.Equal(0, code);
        Assert.Contains($"wrote {ConfigPath}", output);
        Assert.Equal(7, JsonDocument.Parse(await File.ReadAllTextAsync(ConfigPath)).RootElement.GetProperty("epochs").GetInt32());

        (code, output, _) = await NodeCliProcess.RunAsync(home, null, "node", "config", "--set", "epochs=8");
        Assert.Equal(0, code);
        var inHome = Path.Combine(home, ".trainswarm", "config.json");
        Assert.Contains($"wrote {inHome}", output);
        Assert.Equal(8, JsonDocument.Parse(await File.ReadAllTextAsync(inHome)).RootElement.GetProperty("epochs").GetInt32());
        AssertOwnerOnly(inHome);
    }
}
