using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using TrainSwarm.Client;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.Telemetry;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// A real coordinator on 127.0.0.1 (port 0) with its own temporary data directory, a devnet that trusts any registered
/// validator, and a 1 MiB blob limit. Disposing stops it and deletes the directory.
/// </summary>
public sealed class CoordinatorFixture : IAsyncLifetime
{
    /// <summary>The blob limit the coordinator runs with.</summary>
    public const long MaxBlobBytes = 1 << 20;

    private WebApplication? _app;
    private bool _started;

    /// <summary>Where the coordinator keeps its database, key and blobs.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "ts-coordinator-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The coordinator's clock; null runs it on the real one.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>A PostgreSQL connection string for the coordinator's state; null keeps it in SQLite under <see cref="DataDirectory"/>.</summary>
    public string? Database { get; init; }

    /// <summary>The coordinator's telemetry setup (tests of traces and logs add in-memory exporters).</summary>
    public TelemetryOptions Telemetry { get; init; } = new();

    /// <summary>What the coordinator's HTTP server allows a client (production defaults unless a test tightens them).</summary>
    public ConnectionLimits Limits { get; init; } = new();

    /// <summary>This coordinator's replica name (several fixtures on one PostgreSQL need different ones); null: the default.</summary>
    public string? Replica { get; init; }

    /// <summary>Whether a restart listens on the port the first start got (for clients that keep their address across a restart).</summary>
    public bool KeepPortOnRestart { get; init; }

    /// <summary>The running coordinator's root address.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>One HTTP client shared by every <see cref="SwarmClient"/> of the fixture.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public Task InitializeAsync() => StartAsync();

    /// <summary>Builds and starts a coordinator on <see cref="DataDirectory"/> (loading whatever is stored there).</summary>
    public async Task StartAsync()
    {
        var port = KeepPortOnRestart && _started ? BaseAddress.Port : 0;
        _app = await CoordinatorHost.BuildAsync(new CoordinatorOptions
        {
            Url = $"http://127.0.0.1:{port}",
            DataDirectory = DataDirectory,
            Database = Database,
            Devnet = true,
            MaxBlobBytes = MaxBlobBytes,
            Clock = Clock ?? TimeProvider.System,
            Telemetry = Telemetry,
            Limits = Limits,
            ReplicaName = Replica ?? new CoordinatorOptions().ReplicaName,
        });
        await _app.StartAsync();
        BaseAddress = new Uri(CoordinatorHost.ListeningAddress(_app));
        _started = true;
    }

    /// <summary>Stops the coordinator gracefully, keeping its data directory.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
            return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory))
            Directory.Delete(DataDirectory, recursive: true);
    }

    /// <summary>A client signing with <paramref name="key"/> (and, optionally, a skewed clock).</summary>
    public SwarmClient Client(ActorKey? key = null, TimeProvider? clock = null) => new(BaseAddress, key, Http, clock);

    /// <summary>Micro-tokens the faucet gives each actor the fixture registers: 1,000 tokens.</summary>
    public const long StartingFunds = 1_000_000_000;

    /// <summary>A fresh key registered under <paramref name="role"/>, its wallet funded with <paramref name="funds"/> micro-tokens.</summary>
    public async Task<ActorKey> ActorAsync(string role, long funds = StartingFunds)
    {
        var key = ActorKey.Generate();
        using var client = Client(key);
        await client.RegisterActorAsync(role);
        if (funds > 0)
            await client.FaucetAsync(funds);
        return key;
    }

    /// <summary>A fresh key registered as a node serving <paramref name="datasets"/>, funded with <see cref="StartingFunds"/>.</summary>
    public async Task<ActorKey> NodeAsync(params string[] datasets)
    {
        var key = ActorKey.Generate();
        using var client = Client(key);
        await client.RegisterNodeAsync("test-node", new Hardware(4, 8L << 30, "linux", "x64"), new Benchmark("mlp", 1000), datasets);
        await client.FaucetAsync(StartingFunds);
        return key;
    }

    /// <summary>A job submitted by <paramref name="creator"/>.</summary>
    public async Task<JobView> JobAsync(ActorKey creator, JobSpec? spec = null)
    {
        using var client = Client(creator);
        return await client.SubmitJobAsync(spec ?? Specs.Tiny);
    }

    /// <summary>
    /// A submission of <paramref name="spec"/> (default <see cref="Specs.Tiny"/>) by <paramref name="creator"/>, quoted now,
    /// escrowing <paramref name="budget"/> (default: the quote's total) with the creator's signed reservation.
    /// </summary>
    public async Task<(Quote Quote, JobSubmission Submission)> SubmissionAsync(
        ActorKey creator, JobSpec? spec = null, long? budget = null, int deadlineSeconds = SwarmClient.DefaultDeadlineSeconds, bool partialBudget = false)
    {
        spec ??= Specs.Tiny;
        using var client = Client();
        var quote = await client.QuoteAsync(spec);
        var coordinator = (await client.InfoAsync()).Address;
        var amount = budget ?? quote.Total;
        var escrow = MarketTerms.Escrow(creator.Address, coordinator, quote.JobId, amount, deadlineSeconds);
        return (quote, new JobSubmission(spec, quote.Id, amount, deadlineSeconds, SignedTransferWire.Sign(escrow, creator), partialBudget));
    }

    /// <summary>The JSON body of a fresh, valid submission of <paramref name="spec"/> by <paramref name="creator"/> (for hand-signed requests).</summary>
    public async Task<byte[]> SubmissionBodyAsync(ActorKey creator, JobSpec? spec = null) =>
        SwarmJson.SerializeToUtf8((await SubmissionAsync(creator, spec)).Submission);

    /// <summary>An actor's balances.</summary>
    public async Task<Balances> BalancesAsync(string address)
    {
        using var client = Client();
        return await client.BalancesAsync(address);
    }

    /// <summary>Asserts that the coordinator's ledger replays cleanly (hashes, signatures, balances).</summary>
    public async Task AssertLedgerOkAsync()
    {
        using var client = Client();
        var report = await client.VerifyLedgerAsync();
        Assert.True(report.Ok, $"ledger verification failed: {report.Summary}");
        Assert.Equal(0, report.FailedSequence);
    }

    /// <summary>The current round of a job (round 0 right after submission).</summary>
    public async Task<RoundView> RoundOfAsync(string jobId)
    {
        using var client = Client();
        return (await client.JobRoundsAsync(jobId))[^1];
    }

    /// <summary>How many jobs the coordinator holds.</summary>
    public async Task<int> JobCountAsync()
    {
        using var client = Client();
        return (await client.JobsAsync()).Count;
    }

    /// <summary>The status code of a plain GET.</summary>
    public async Task<HttpStatusCode> StatusOfGetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(BaseAddress, path));
        return response.StatusCode;
    }

    /// <summary>Every file under the data directory's blob folder (to show that a refused upload wrote nothing).</summary>
    public IReadOnlyList<string> BlobFiles()
    {
        var root = Path.Combine(DataDirectory, "blobs");
        return Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>A request signed now by <paramref name="key"/>, built by hand so a test can tamper with it.</summary>
    public HttpRequestMessage SignedRequest(ActorKey key, HttpMethod method, string path, byte[] body, SignedHeaders? headers = null, byte[]? sentBody = null)
    {
        var uri = new Uri(BaseAddress, path);
        headers ??= HttpSignature.Sign(key, method.Method, uri.PathAndQuery, body, DateTimeOffset.UtcNow);
        var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(sentBody ?? body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(HttpSignature.ContentDigestHeader, headers.ContentDigest);
        request.Headers.TryAddWithoutValidation(HttpSignature.SignatureInputHeader, headers.SignatureInput);
        request.Headers.TryAddWithoutValidation(HttpSignature.SignatureHeader, headers.Signature);
        return request;
    }

    /// <summary>Sends a hand-built request.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Http.SendAsync(request);

    /// <summary>Polls <paramref name="condition"/> until it holds or the timeout passes (then fails).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {timeoutSeconds} s waiting for {what}");
            await Task.Delay(50);
        }
    }
}

/// <summary>Job specs used across the tests.</summary>
public static class Specs
{
    /// <summary>A tiny MLP job that one node fills at once; the join window stays open long enough for any test.</summary>
    public static JobSpec Tiny { get; } = new()
    {
        Name = "tiny", Model = "mlp", Dataset = "fashion-mnist", Rounds = 2, MinNodes = 1, MaxNodes = 1,
        InnerSteps = 2, BatchSize = 8, TrainSamples = 64, Seed = 7, OpenSeconds = 1, TrainSeconds = 3600, ValidateSeconds = 3600,
    };
}

/// <summary>Assertions about the coordinator's error replies.</summary>
public static class Problems
{
    /// <summary>Asserts the exact status and a ProblemDetails JSON body (title, matching status); returns the body.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement.Clone();
        Assert.True(root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String && title.GetString()!.Length > 0, text);
        Assert.True(root.TryGetProperty("status", out var code) && code.GetInt32() == (int)status, text);
        return root;
    }

    /// <summary>The problem's detail sentence.</summary>
    public static string Detail(JsonElement problem) =>
        problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";

    /// <summary>The field names of a validation problem's <c>errors</c>.</summary>
    public static IReadOnlyList<string> ErrorFields(JsonElement problem) =>
        problem.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object ? e.EnumerateObject().Select(p => p.Name).ToList() : [];

    /// <summary>UTF-8 of a JSON text.</summary>
    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}

/// <summary>A clock shifted from the real one, to sign requests as if from a skewed machine.</summary>
public sealed class SkewedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
}
