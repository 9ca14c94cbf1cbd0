using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TrainSwarm.Cli.Tests.Dataset;

/// <summary>`swarm dataset upload|list|show|delete` against a real devnet coordinator, and their one-line refusals.</summary>
[Collection(SwarmCollection.Name)]
public sealed class DatasetCommandTests(SwarmFixture swarm)
{
    // Never contacted: these fail before anything is sent.
    private const string Nowhere = "http://127.0.0.1:9";

    private string Csv(string name, string text)
    {
        var path = Path.Combine(swarm.Folder, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    // 12 images of 2×2 pixels, labels 0, 1, 2 in turn.
    private static string Images(int n = 12) =>
        string.Concat(Enumerable.Range(0, n).Select(i => $"{i % 3},{i},{i + 1},{i + 2},{i + 3}\n"));

    [Fact]
    public async Task Upload_list_show_and_delete_a_dataset()
    {
        var (key, address) = swarm.NewKeyFile();
        var file = Csv("tiny.csv", Images());
        var (code, output) = await CliRunner.Run("dataset", "upload", file, "--name", "tiny", "--shards", "2", "--key", key, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var lines = Lines.Of(output);
        var id = lines[0][..34];
        Assert.Matches("^ds[0-9a-f]{32}$", id);
        Assert.Equal($"{id}  tiny: 12 samples of 1×2×2, 3 classes, 2 shards (csv, ready)", lines[0]);
        Assert.StartsWith($"owner {address}, uploaded ", lines[1], StringComparison.Ordinal);
        Assert.Equal("classes: 0, 1, 2", lines[2]);
        // No --split-seed: the file digest's first 8 bytes, big-endian.
        var digestSeed = ulong.Parse(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))[..16], NumberStyles.HexNumber,
            CultureInfo.InvariantCulture);
        Assert.Equal($"split seed: {digestSeed} (the file digest's first 8 bytes)", lines[3]);
        Assert.Matches("^holdout +1 samples  [0-9a-f]{64}  \\(validators only\\)$", lines[4]);
        Assert.Matches("^shard 0 +5 samples  [0-9a-f]{64}$", lines[5]);
        Assert.Matches("^shard 1 +6 samples  [0-9a-f]{64}$", lines[6]);

        var (listCode, list) = await CliRunner.Run("dataset", "list", "--key", key, "--coordinator", swarm.Url);
        Assert.Equal((0, lines[0]), (listCode, Lines.Single(list)));
        var (showCode, show) = await CliRunner.Run("dataset", "show", id, "--coordinator", swarm.Url);
        Assert.Equal(0, showCode);
        Assert.Equal(lines, Lines.Of(show));
        var (deleteCode, deleted) = await CliRunner.Run("dataset", "delete", id, "--key", key, "--coordinator", swarm.Url);
        Assert.Equal((0, $"dataset {id} (tiny) deleted"), (deleteCode, Lines.Single(deleted)));
        var (_, empty) = await CliRunner.Run("dataset", "list", "--key", key, "--coordinator", swarm.Url);
        Assert.Equal("no datasets; upload one with: swarm dataset upload FILE", Lines.Single(empty));
    }

    [Fact]
    public async Task A_split_seed_is_shown_and_the_same_seed_cuts_the_same_parts()
    {
        var file = Csv("seeded.csv", Images(40));
        async Task<string[]> UploadAsync(string seed)
        {
            // A new key each time: the same creator's same file and settings would be the cached dataset, not a new cut.
            var (key, _) = swarm.NewKeyFile();
            var (code, output) = await CliRunner.Run(
                "dataset", "upload", file, "--shards", "2", "--split-seed", seed, "--key", key, "--coordinator", swarm.Url);
            Assert.True(code == 0, output);
            return Lines.Of(output);
        }
        // The holdout and shard lines end in their blob ids (the SHA-256 of their bytes).
        static string[] Parts(string[] lines) =>
            [.. lines.Where(l => l.StartsWith("holdout", StringComparison.Ordinal) || l.StartsWith("shard", StringComparison.Ordinal))];

        var first = await UploadAsync("18446744073709551615");
        Assert.Equal("split seed: 18446744073709551615 (given at upload)", first[3]);
        Assert.Equal(3, Parts(first).Length);
        Assert.Equal(Parts(first), Parts(await UploadAsync("18446744073709551615")));
        var other = Parts(await UploadAsync("7"));
        Assert.NotEqual(Parts(first)[0], other[0]);
        Assert.NotEqual(Parts(first)[1..], other[1..]);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("18446744073709551616")]
    public async Task A_bad_split_seed_is_one_line_and_sends_nothing(string seed)
    {
        var (key, _) = swarm.NewKeyFile();
        var file = Csv("never-sent.csv", Images());
        var (code, output) = await CliRunner.Run("dataset", "upload", file, "--split-seed", seed, "--key", key, "--coordinator", Nowhere);
        Assert.Equal(2, code);
        Assert.Equal($"error: --split-seed must be a whole number from 0 to 18446744073709551615, not '{seed}' (see --help)", Lines.Single(output));
    }

    [Fact]
    public async Task A_text_file_uploads_as_byte_tokens_cut_into_a_holdout_and_contiguous_token_shards()
    {
        var (key, _) = swarm.NewKeyFile();
        // 1,000 ASCII bytes: 50 blocks of 20 tokens, every tenth held out (100), the other 900 in 2 shards of 450.
        var file = Csv("corpus.txt", string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i:D4}\n")));
        var (code, output) = await CliRunner.Run("dataset", "upload", file, "--format", "text", "--shards", "2", "--key", key, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var lines = Lines.Of(output);
        var id = lines[0][..34];
        Assert.Equal($"{id}  corpus.txt: 1000 tokens (byte tokenizer), 2 shards (text, ready)", lines[0]);
        Assert.Matches("^holdout +100 tokens   [0-9a-f]{64}  \\(validators only\\)$", lines[2]);
        Assert.Matches("^shard 0 +450 tokens   [0-9a-f]{64}  tokens \\[0, 450\\) of the training stream$", lines[3]);
        Assert.Matches("^shard 1 +450 tokens   [0-9a-f]{64}  tokens \\[450, 900\\) of the training stream$", lines[4]);
        var bad = Path.Combine(swarm.Folder, "latin1.txt");
        File.WriteAllBytes(bad, [.. "caf"u8, 0xE9, (byte)'\n']);
        var (badCode, refused) = await CliRunner.Run("dataset", "upload", bad, "--key", key, "--coordinator", swarm.Url);
        Assert.Equal((1, "error: cannot upload " + bad + ": 422 Invalid dataset: latin1.txt line 1: not UTF-8 text: an invalid byte sequence at byte 3"),
            (badCode, Lines.Single(refused)));
    }

    [Fact]
    public async Task A_malformed_file_is_one_line_naming_its_line_and_exit_1()
    {
        var (key, _) = swarm.NewKeyFile();
        var file = Csv("bad.csv", Images(4) + "1,1,2,NaN,4\n");
        var (code, output) = await CliRunner.Run("dataset", "upload", file, "--key", key, "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal("error: cannot upload " + file + ": 422 Invalid dataset: bad.csv line 5: pixel 2 is NaN: NaN and infinities are refused",
            Lines.Single(output));
    }

    [Theory]
    [InlineData("show", "ds123", 2, "error: 'ds123' is not a dataset id (ds + 32 hex characters) (see --help)")]
    [InlineData("upload", "missing.csv", 1, "error: no file missing.csv")]
    [InlineData("upload", "data.bin", 1, "error: cannot tell the format of data.bin; give --format (idx, csv, npz, tabular, png-zip, text)")]
    public async Task Bad_arguments_are_one_line_and_send_nothing(string verb, string argument, int exit, string expected)
    {
        var (key, _) = swarm.NewKeyFile();
        if (argument == "data.bin")
            argument = Csv("data.bin", "x");
        string[] args = verb == "show"
            ? ["dataset", verb, argument, "--coordinator", Nowhere]
            : ["dataset", verb, argument, "--key", key, "--coordinator", Nowhere];
        var (code, output) = await CliRunner.Run(args);
        Assert.Equal(exit, code);
        Assert.Equal(expected.Replace("data.bin", argument, StringComparison.Ordinal), Lines.Single(output));
    }
}
