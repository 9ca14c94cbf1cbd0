using Microsoft.AspNetCore.Builder;
using TrainSwarm.Client;
using TrainSwarm.Daemons;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node.Tests;

/// <summary>
/// The node daemon's new options, run in this process against a coordinator of its own (so no other test's open
/// rounds tempt it): auto-train off (join, hold, train by hand), a stake limit, and mapped names in its registration.
/// </summary>
public sealed class DaemonOptionsTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "swarm-daemon-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private string _url = "";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private static readonly JobSpec Small = new()
    {
        Name = "daemon", Model = "mlp", Dataset = "fashion-mnist", Rounds = 1, MinNodes = 1, MaxNodes = 2, InnerSteps = 4, BatchSize = 8,
        TrainSamples = 64, Seed = 4, OpenSeconds = 3600, TrainSeconds = 3600, ValidateSeconds = 3600,
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        (_app, _url) = await CoordinatorFixture.StartAsync(Path.Combine(_folder, "coordinator"), devnet: true);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await CoordinatorFixture.StopAsync(_app);
        _http.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private SwarmClient Client(ActorKey? key = null) => new(new Uri(_url), key, _http);

    private async Task<string> FundedKeyAsync(string role, long funds)
    {
        var path = Path.Combine(_folder, $"{role}-{Guid.NewGuid():N}.pem");
        using var key = ActorKey.Generate();
        key.Save(path);
        using var client = Client(key);
        await client.RegisterActorAsync(role);
        await client.FaucetAsync(funds);
        return path;
    }

    private async Task<JobView> SubmitAsync(JobSpec spec)
    {
        using var key = ActorKey.Load(await FundedKeyAsync("creator", 50 * Asset.UnitsPerToken));
        using var client = Client(key);
        return await client.SubmitJobAsync(spec);
    }

    private NodeOptions Options(string keyPath) => new()
    {
        Coordinator = new Uri(_url), KeyPath = keyPath, Name = "daemon-test", PollInterval = TimeSpan.FromMilliseconds(100),
        BenchmarkDuration = TimeSpan.FromMilliseconds(50), DataDirectory = "/usr/share/datasets/fashion-mnist",
    };

    /// <summary>Runs a daemon until <paramref name="body"/> returns, then stops it and checks it stopped cleanly.</summary>
    private static async Task RunAsync(NodeOptions options, RecordingObserver observer, Func<Task> body)
    {
        using var stop = new CancellationTokenSource();
        var daemon = new NodeDaemon(options, observer, null);
        var run = daemon.RunAsync(stop.Token);
        try
        {
            await body();
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task With_auto_train_off_the_node_joins_up_to_max_parallel_and_a_person_trains_by_hand()
    {
        var first = await SubmitAsync(Small with { Name = "first" });
        var second = await SubmitAsync(Small with { Name = "second" });
        var keyPath = await FundedKeyAsync("node", 5 * Asset.UnitsPerToken);
        using var key = ActorKey.Load(keyPath);
        using var client = Client();
        var observer = new RecordingObserver();
        await RunAsync(Options(keyPath) with { AutoTrain = false, MaxParallel = 1 }, observer, async () =>
        {
            await CoordinatorFixture.EventuallyAsync(async () => (await client.AssignmentsAsync(key.Address)).Count == 1, "the node to join a round");
            var held = Assert.Single(await client.AssignmentsAsync(key.Address));
            Assert.Equal($"{first.Id}-r0", held.RoundId); // the older round first
            await CoordinatorFixture.EventuallyAsync(() => Task.FromResult(observer.Lines.Contains($"held {held.RoundId}")), "the hold to be reported");
            // Several polls later: still one round held (MaxParallel counts it), nothing trained.
            var polls = observer.Polls;
            await CoordinatorFixture.EventuallyAsync(() => Task.FromResult(observer.Polls >= polls + 10), "ten more polls");
            Assert.Empty((await client.RoundAsync($"{second.Id}-r0")).Participants);
            Assert.Empty(await client.RoundUpdatesAsync(held.RoundId));
            Assert.DoesNotContain(observer.Lines, l => l.StartsWith("started", StringComparison.Ordinal));

            // What `swarm round train` does (its own tests are the CLI's): the held assignment, trained and delivered.
            var byHand = new NodeOptions
            {
                Coordinator = new Uri(_url), KeyPath = keyPath, Datasets = [held.Spec.Dataset], DataDirectory = Options(keyPath).DataDirectory,
            };
            using (var nodeClient = Client(key))
                await new AssignmentTrainer(byHand, new DatasetCache(byHand.DataDirectory, allowDownload: false), new RecordingObserver())
                    .RunAsync(nodeClient, key, held, CancellationToken.None);
            Assert.Equal(key.Address, Assert.Single(await client.RoundUpdatesAsync(held.RoundId)).Receipt.Node);
            // Delivered: the place is free again, so the daemon joins the next round (and holds it too).
            await CoordinatorFixture.EventuallyAsync(
                async () => (await client.RoundAsync($"{second.Id}-r0")).Participants.Count == 1, "the node to join the second round");
        });
        Assert.Equal(["seen", "joined", "held"], observer.Lines.Where(l => l.Contains(first.Id, StringComparison.Ordinal)).Select(l => l.Split(' ')[0]));
        Assert.Contains("stopped", observer.Lines);
    }

    [Fact]
    public async Task A_stake_above_the_maximum_joins_nothing_and_says_so_once()
    {
        var job = await SubmitAsync(Small with { Name = "stake" });
        var keyPath = await FundedKeyAsync("node", 5 * Asset.UnitsPerToken);
        using var client = Client();
        var observer = new RecordingObserver();
        await RunAsync(Options(keyPath) with { MaxStake = 999_999 }, observer, async () =>
        {
            await CoordinatorFixture.EventuallyAsync(
                () => Task.FromResult(observer.Lines.Any(l => l.StartsWith("seen", StringComparison.Ordinal))), "the round to be seen");
            var polls = observer.Polls;
            await CoordinatorFixture.EventuallyAsync(() => Task.FromResult(observer.Polls >= polls + 10), "ten more polls");
        });
        Assert.Empty((await client.RoundAsync($"{job.Id}-r0")).Participants);
        Assert.Equal("stake 1000000 above 999999", Assert.Single(observer.Lines, l => l.StartsWith("stake", StringComparison.Ordinal)));
        Assert.DoesNotContain(observer.Lines, l => l.StartsWith("joined", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mapped_node_registers_the_requested_name_and_trains_its_local_dataset()
    {
        var job = await SubmitAsync(Small with { Name = "mapped", MaxNodes = 1 });
        var keyPath = await FundedKeyAsync("node", 5 * Asset.UnitsPerToken);
        using var key = ActorKey.Load(keyPath);
        using var client = Client();
        var observer = new RecordingObserver();
        var options = Options(keyPath) with
        {
            Datasets = ["digits"], DataDirectory = null, MaxBatches = 2,
            DatasetMappings = new Dictionary<string, string> { ["fashion-mnist"] = "digits", ["cifar10"] = "svhn" },
            DatasetPaths = new Dictionary<string, string> { ["digits"] = "/usr/share/datasets/fashion-mnist" },
        };
        await RunAsync(options, observer, () =>
            CoordinatorFixture.EventuallyAsync(async () => (await client.RoundUpdatesAsync($"{job.Id}-r0")).Count == 1, "the mapped update", seconds: 180));
        Assert.Equal(["digits", "fashion-mnist"], (await client.NodeAsync(key.Address)).Datasets);
        var receipt = Assert.Single(await client.RoundUpdatesAsync($"{job.Id}-r0")).Receipt;
        Assert.Equal(("digits", 2, 16L), (receipt.DatasetUsed, receipt.Steps, receipt.Samples));
        Assert.Contains("mapped fashion-mnist to digits", observer.Lines);
        Assert.Contains("registered digits,fashion-mnist", observer.Lines);
        // svhn is a catalog name, but its files are not here: the mapping to it is not offered.
        Assert.Contains(observer.Lines, l => l.StartsWith("info -: not serving svhn: dataset 'svhn' not found in", StringComparison.Ordinal));
    }
}
