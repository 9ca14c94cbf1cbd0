using System.Security.Cryptography;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Tests.Job;

/// <summary>`swarm job download`: the model's bytes on disk are the API's, and an existing file is never replaced by accident.</summary>
[Collection(SwarmCollection.Name)]
public sealed class DownloadCommandTests(SwarmFixture swarm)
{
    private async Task<string> CompletedJobAsync()
    {
        var (key, _) = await swarm.FundedKeyFileAsync(50 * Asset.UnitsPerToken);
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.OneRound), "--budget", "9", "--key", key, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var id = SwarmFixture.JobIdIn(output);
        await swarm.PlayRoundAsync(id);
        using var client = swarm.Client();
        await SwarmFixture.EventuallyAsync(async () => (await client.JobAsync(id)).Status == Protocol.Wire.JobStatus.Completed, "the job to complete");
        return id;
    }

    [Fact]
    public async Task Download_writes_the_apis_model_and_prints_path_size_and_sha256()
    {
        var id = await CompletedJobAsync();
        using var client = swarm.Client();
        var expected = await client.DownloadModelAsync(id);
        var path = Path.Combine(swarm.Folder, $"{id}-model.safetensors");

        var (code, output) = await CliRunner.Run("job", "download", id, "--output", path, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var written = await File.ReadAllBytesAsync(path);
        Assert.Equal(expected, written);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(expected));
        Assert.Equal(
        [
            $"saved the model of job {id} (completed, after 1 of 1 rounds) to {path}",
            $"size: {expected.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes",
            $"sha256: {sha256}",
        ], Lines.Of(output));
        Assert.Equal((await client.JobAsync(id)).ModelBlob, sha256); // blobs are named by their SHA-256
        Assert.Empty(Directory.GetFiles(swarm.Folder, "*.part"));
    }

    [Fact]
    public async Task Download_refuses_to_replace_a_file_unless_forced()
    {
        var id = await CompletedJobAsync();
        var path = Path.Combine(swarm.Folder, $"{id}-existing.safetensors");
        await File.WriteAllTextAsync(path, "keep me");

        var (code, output) = await CliRunner.Run("job", "download", id, "-o", path, "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal($"error: {path} already exists; pass --force to replace it, or choose another --output", Lines.Single(output));
        Assert.Equal("keep me", await File.ReadAllTextAsync(path));

        var (forced, forcedOutput) = await CliRunner.Run("job", "download", id, "-o", path, "--force", "--coordinator", swarm.Url, "--json");
        Assert.True(forced == 0, forcedOutput);
        using var client = swarm.Client();
        var expected = await client.DownloadModelAsync(id);
        Assert.Equal(expected, await File.ReadAllBytesAsync(path));
        using var json = System.Text.Json.JsonDocument.Parse(forcedOutput);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), json.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(expected.Length, json.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal(path, json.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Download_of_an_unknown_job_is_one_line_and_writes_nothing()
    {
        var path = Path.Combine(swarm.Folder, "unknown.safetensors");
        var (code, output) = await CliRunner.Run("job", "download", "j000000000000", "-o", path, "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal("error: cannot read job j000000000000: 404 Not found: no job j000000000000", Lines.Single(output));
        Assert.False(File.Exists(path));
    }
}
