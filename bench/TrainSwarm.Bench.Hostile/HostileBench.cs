using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using TrainSwarm.Client;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Bench.Hostile;

/// <summary>What one run found: counts by answer, the endpoints covered, and the digests of state and ledger around the storm.</summary>
public sealed record HostileReport(int Requests, int Client4xx, int Server5xx, int Other, int Endpoints, int EndpointsHit, string DigestBefore,
    string DigestAfter, bool LedgerVerifies, double Seconds, IReadOnlyDictionary<string, int> ByKind, IReadOnlyList<string> NotRefused,
    IReadOnlyList<SlowClientResult> SlowClients)
{
    /// <summary>Whether the coordinator held: every answer 4xx, every slow client cut off, nothing changed, the ledger still verifies.</summary>
    public bool Held => Client4xx == Requests && SlowClients.All(s => s.Cut) && DigestBefore == DigestAfter && LedgerVerifies;
}

/// <summary>
/// `swarm bench hostile`: a real devnet coordinator (SQLite, loopback, its own folder) with a funded, registered creator;
/// <c>requests</c> generated hostile requests (<see cref="HostileRequests"/>) against every endpoint of its route table,
/// sent over HTTP by <c>parallel</c> senders; then the answers are counted and a digest of everything the API shows
/// (jobs, rounds, nodes, datasets, the whole ledger log, the creator's balances) is compared with the one taken before. Beside the storm,
/// <c>slowClients</c> slow-header and as many slow-body clients (<see cref="SlowClient"/>) hold connections open against the
/// coordinator's production <see cref="ConnectionLimits"/>, and must all be cut off.
/// </summary>
public static class HostileBench
{
    /// <summary>Runs the storm and returns what it found.</summary>
    public static async Task<HostileReport> RunAsync(int requests, int seed, int parallel, int slowClients, CancellationToken cancellation)
    {
        var folder = Path.Combine(Path.GetTempPath(), "trainswarm-hostile-" + Guid.NewGuid().ToString("N")[..8]);
        // Production connection limits, but JSON bodies held to the 1 MiB blob limit so that "oversized" means the same on every endpoint.
        var options = new CoordinatorOptions
        {
            Url = "http://127.0.0.1:0", DataDirectory = folder, Devnet = true, MaxBlobBytes = 1 << 20,
            Limits = new ConnectionLimits { MaxJsonBodyBytes = 1 << 20 },
        };
        await using var app = await CoordinatorHost.BuildAsync(options, logging: l => l.ClearProviders(), cancellation: cancellation);
        await app.StartAsync(cancellation);
        try
        {
            var url = new Uri(CoordinatorHost.ListeningAddress(app));
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parallel }) { Timeout = TimeSpan.FromMinutes(2) };
            using var creator = ActorKey.Generate();
            using (var client = new SwarmClient(url, creator, http))
            {
                await client.RegisterActorAsync("creator", cancellation);
                await client.FaucetAsync(5_000_000, cancellation);
            }
            var endpoints = Endpoints(app);
            var before = await DigestAsync(http, url, creator.Address, cancellation);
            var generator = new HostileRequests(endpoints, creator, () => DateTimeOffset.UtcNow, options.MaxBlobBytes, seed);
            var batch = Enumerable.Range(0, requests).Select(_ => generator.Next()).ToList();

            // A slow client the limits do not cut off within a minute is not going to be: the defaults cut both kinds in about 10 s.
            var slow = Enumerable.Range(0, slowClients).SelectMany(_ => new[]
            {
                SlowClient.HeadersAsync(url, TimeSpan.FromMinutes(1), cancellation), SlowClient.BodyAsync(url, TimeSpan.FromMinutes(1), cancellation),
            }).ToList();
            var clock = Stopwatch.StartNew();
            var answers = new HttpStatusCode[batch.Count];
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
            {
                // A replay may overtake its original on another sender: then the replay is the one refused for its body and
                // the original the one refused for its spent nonce; both are 4xx either way.
                int i;
                while ((i = Interlocked.Increment(ref next)) < batch.Count)
                    answers[i] = await SendAsync(http, url, batch[i], cancellation);
            }));
            clock.Stop();
            var slowResults = await Task.WhenAll(slow);

            var after = await DigestAsync(http, url, creator.Address, cancellation);
            var verification = await new SwarmClient(url, http: http).VerifyLedgerAsync(cancellation);
            var statuses = answers.Select(a => (int)a).ToList();
            var notRefused = batch.Zip(statuses).Where(p => p.Second is < 400 or >= 500)
                .GroupBy(p => $"{p.Second} {p.First.Method} {p.First.Endpoint} ({p.First.Kind})").OrderByDescending(g => g.Count())
                .Select(g => $"{g.Key} ×{g.Count()}").Take(20).ToList();
            return new HostileReport(batch.Count, statuses.Count(s => s is >= 400 and < 500), statuses.Count(s => s >= 500),
                statuses.Count(s => s is < 400 or >= 600), endpoints.Count, batch.Select(b => b.Endpoint).Distinct().Count(), before, after,
                verification.Ok, clock.Elapsed.TotalSeconds,
                batch.GroupBy(b => b.Kind).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal), notRefused, slowResults);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Every API route of the coordinator with its methods, from its own route table (so a new endpoint is covered by itself).</summary>
    public static IReadOnlyList<ApiEndpoint> Endpoints(WebApplication app) =>
        [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith(Routes.Prefix, StringComparison.Ordinal))
            .GroupBy(e => e.RoutePattern.RawText!, StringComparer.Ordinal)
            .Select(g => new ApiEndpoint(g.Key, [.. g.SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Distinct()]))
            .Where(e => e.Methods.Count > 0)
            .OrderBy(e => e.Pattern, StringComparer.Ordinal)];

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, Uri url, HostileRequest request, CancellationToken cancellation)
    {
        // The path goes out as generated: without this, Uri would resolve "%2e%2e" and "." segments before sending.
        var target = new Uri(url.GetLeftPart(UriPartial.Authority) + request.Target,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (request.Body is { } body)
            message.Content = new ByteArrayContent(body);
        foreach (var (name, value) in request.Headers)
        {
            if (name == "Content-Type" && message.Content is not null)
                message.Content.Headers.TryAddWithoutValidation(name, value);
            else if (name != "Content-Type")
                message.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellation);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The server closed the connection without an answer (it may, for an oversized body it refused early).
            return 0;
        }
    }

    // Everything the API shows about the network's state and money. The ledger log is read whole, page by page.
    private static async Task<string> DigestAsync(HttpClient http, Uri url, string creator, CancellationToken cancellation)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in new[] { Routes.Jobs, Routes.Rounds, Routes.Nodes, Routes.Datasets, Routes.Balances(creator) })
            sha.AppendData(await http.GetByteArrayAsync(new Uri(url, path), cancellation));
        var client = new SwarmClient(url, http: http);
        long after = 0;
        while (true)
        {
            var page = await client.LedgerEntriesAsync(after, 100, cancellation);
            if (page.Count == 0)
                break;
            foreach (var entry in page)
                sha.AppendData(Encoding.UTF8.GetBytes(SwarmJson.Serialize(entry)));
            after = page[^1].Sequence;
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
