using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using TrainSwarm.Client;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests;

/// <summary>
/// A real devnet coordinator in this process (127.0.0.1, port 0, its own temporary folder) that the commands talk to
/// over HTTP, plus helpers to make key files, fund them, write spec files and play a paid round.
/// </summary>
public sealed partial class SwarmFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "swarm-cli-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The coordinator's URL as passed to --coordinator.</summary>
    public string Url { get; private set; } = "";

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        (_app, Url) = await StartAsync(Path.Combine(Folder, "coordinator"), devnet: true);
    }

    /// <summary>Starts a coordinator on <paramref name="dataDirectory"/>; the caller stops it.</summary>
    public static async Task<(WebApplication App, string Url)> StartAsync(string dataDirectory, bool devnet)
    {
        var app = await CoordinatorHost.BuildAsync(new CoordinatorOptions { Url = "http://127.0.0.1:0", DataDirectory = dataDirectory, Devnet = devnet });
        await app.StartAsync();
        return (app, CoordinatorHost.ListeningAddress(app).TrimEnd('/'));
    }

    /// <summary>Stops and disposes a coordinator started by <see cref="StartAsync"/>.</summary>
    public static async Task StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await StopAsync(_app);
        Http.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }

    /// <summary>A client of the coordinator, signing with <paramref name="key"/> when given.</summary>
    public SwarmClient Client(ActorKey? key = null) => new(new Uri(Url), key, Http);

    /// <summary>A new key saved to a file (not registered); returns its path and address.</summary>
    public (string Path, string Address) NewKeyFile(string name = "key")
    {
        var path = Path.Combine(Folder, $"{name}-{Guid.NewGuid():N}.pem");
        using var key = ActorKey.Generate();
        key.Save(path);
        return (path, key.Address);
    }

    /// <summary>A key file registered as <paramref name="role"/> with <paramref name="funds"/> micro-tokens in its wallet.</summary>
    public async Task<(string Path, string Address)> FundedKeyFileAsync(long funds, string role = "creator")
    {
        var (path, address) = NewKeyFile(role);
        using var key = ActorKey.Load(path);
        using var client = Client(key);
        await client.RegisterActorAsync(role);
        if (funds > 0)
            await client.FaucetAsync(funds);
        return (path, address);
    }

    /// <summary>The balances of <paramref name="address"/>, read with the client (not the CLI).</summary>
    public async Task<Balances> BalancesAsync(string address)
    {
        using var client = Client();
        return await client.BalancesAsync(address);
    }

    /// <summary>Writes <paramref name="spec"/> as a JSON spec file.</summary>
    public string SpecFile(JobSpec spec)
    {
        var path = Path.Combine(Folder, $"spec-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(path, SwarmJson.SerializeToUtf8(spec));
        return path;
    }

    /// <summary>The quote's total for <paramref name="spec"/> (every quote of the same spec prices it alike).</summary>
    public async Task<long> QuoteTotalAsync(JobSpec spec)
    {
        using var client = Client();
        return (await client.QuoteAsync(spec)).Total;
    }

    /// <summary>The job id a "job j… submitted" line names.</summary>
    public static string JobIdIn(string output) => JobLine().Match(output) is { Success: true } m ? m.Groups[1].Value
        : throw new Xunit.Sdk.XunitException($"no job id in:\n{output}");

    [GeneratedRegex(@"^job (j[0-9a-f]{12}) submitted", RegexOptions.Multiline)]
    private static partial Regex JobLine();

    /// <summary>
    /// Plays one round of <paramref name="jobId"/> by hand: a funded node joins round 0 and delivers an update; a
    /// validator judges it (holdout loss <paramref name="baseLoss"/> → <paramref name="updatedLoss"/>) and posts the result.
    /// Returns the round id and the node's key file.
    /// </summary>
    public async Task<(string RoundId, string NodeKeyPath, string NodeAddress)> PlayRoundAsync(string jobId, double baseLoss = 2.0, double updatedLoss = 2.5)
    {
        var (nodePath, nodeAddress) = NewKeyFile("node");
        using var node = ActorKey.Load(nodePath);
        using var nodeClient = Client(node);
        await nodeClient.RegisterNodeAsync("cli-test-node", new Hardware(4, 8L << 30, "linux", "x64"), new Benchmark("mlp", 1000), ["fashion-mnist"]);
        await nodeClient.FaucetAsync(10_000_000); // the stake
        var roundId = $"{jobId}-r0";
        var a = await nodeClient.JoinAsync(roundId);
        var blob = await nodeClient.PutBlobAsync(Encoding.UTF8.GetBytes($"update {Guid.NewGuid()}"));
        var samples = (long)a.Spec.InnerSteps * a.Spec.BatchSize;
        var receipt = new TrainingReceipt(a.JobId, a.RoundId, a.Attempt, node.Address, a.BaseModel, a.ShardIndex, a.ShardCount, a.Seed,
            a.Spec.InnerSteps, samples, [2.3f, 2.1f], 0.25, [new Commitment(a.Spec.InnerSteps, new string('0', 64))], blob, "f32", "fashion-mnist");
        await nodeClient.SubmitUpdateAsync(roundId, new UpdateSubmission(receipt, DocumentSignature.Sign(node, receipt)));

        using var validator = ActorKey.Generate();
        using var validatorClient = Client(validator);
        await validatorClient.RegisterActorAsync("validator");
        var task = await validatorClient.TakeValidationAsync(roundId);
        var newModel = await validatorClient.PutBlobAsync(Encoding.UTF8.GetBytes($"model {Guid.NewGuid()}"));
        var verdict = new UpdateVerdict(node.Address, blob, true, null, samples, a.Spec.InnerSteps, 1.0, baseLoss, 0.5, updatedLoss, 0.4, 1.0);
        var result = new RoundResult(roundId, task.Round.Attempt, validator.Address, task.Round.BaseModel, newModel, "fedavg", null, [verdict],
            new RoundMetrics(baseLoss, 0.5, updatedLoss, 0.4, 100, updatedLoss, 0.4, 100));
        await validatorClient.SubmitResultAsync(roundId, new RoundResultSubmission(result, DocumentSignature.Sign(validator, result)));
        return (roundId, nodePath, node.Address);
    }

    /// <summary>Polls until <paramref name="condition"/> holds (fails after <paramref name="seconds"/>).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {seconds} s waiting for {what}");
            await Task.Delay(50);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SwarmCollection : ICollectionFixture<SwarmFixture>
{
    public const string Name = "devnet coordinator";
}

/// <summary>Job specs for the tests: tiny, and never trained for real (no node process runs).</summary>
internal static class Specs
{
    /// <summary>Two rounds that wait for a node that never comes: the job runs until cancelled.</summary>
    public static JobSpec Waiting { get; } = new()
    {
        Name = "cli waiting", Model = "mlp", Dataset = "fashion-mnist", Rounds = 2, MinNodes = 1, MaxNodes = 1,
        InnerSteps = 2, BatchSize = 8, TrainSamples = 64, Seed = 7, OpenSeconds = 1, TrainSeconds = 3600, ValidateSeconds = 3600,
    };

    /// <summary>One round of one node, big enough that its payout is worth some micro-tokens; played by <see cref="SwarmFixture.PlayRoundAsync"/>.</summary>
    public static JobSpec OneRound { get; } = Waiting with { Name = "cli one round", Rounds = 1, InnerSteps = 100, BatchSize = 64, TrainSamples = null,
        OpenSeconds = 3600 };
}

/// <summary>What a person sees: the lines of the output.</summary>
internal static class Lines
{
    public static string[] Of(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The one and only line of <paramref name="output"/>.</summary>
    public static string Single(string output) => Assert.Single(Of(output));
}
