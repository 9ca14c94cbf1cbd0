using Microsoft.AspNetCore.Builder;
using TrainSwarm.Client;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Node.Tests;

/// <summary>
/// A real devnet coordinator in this process (127.0.0.1, port 0, its own temporary folder) for the node's code to
/// talk to over HTTP, plus helpers to make funded key files and to wait for what the daemon does.
/// </summary>
public sealed class CoordinatorFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "swarm-node-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The coordinator's root address.</summary>
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
        var app = await CoordinatorHost.BuildAsync(
            new CoordinatorOptions { Url = "http://127.0.0.1:0", DataDirectory = dataDirectory, Devnet = devnet });
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

    /// <summary>A key file registered as <paramref name="role"/> with <paramref name="funds"/> micro-tokens in its wallet.</summary>
    public async Task<(string Path, string Address)> FundedKeyFileAsync(long funds, string role = "creator")
    {
        var path = Path.Combine(Folder, $"{role}-{Guid.NewGuid():N}.pem");
        using var key = ActorKey.Generate();
        key.Save(path);
        using var client = Client(key);
        await client.RegisterActorAsync(role);
        if (funds > 0)
            await client.FaucetAsync(funds);
        return (path, key.Address);
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
public sealed class CoordinatorCollection : ICollectionFixture<CoordinatorFixture>
{
    public const string Name = "node devnet coordinator";
}
