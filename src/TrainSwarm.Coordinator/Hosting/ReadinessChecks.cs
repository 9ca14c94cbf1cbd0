using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TrainSwarm.Storage.Blobs;
using TrainSwarm.Storage.Ledger;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (the state database, the ledger and the blob store
/// each answer a real operation now). A failing check makes ready answer 503 naming it; live never runs checks, so a
/// load balancer stops sending work to a coordinator that lost its disk while the supervisor does not restart it for that.
/// </summary>
public static class ReadinessChecks
{
    private const string Ready = "ready";

    /// <summary>Registers the checks.</summary>
    public static IServiceCollection AddCoordinatorHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Ready])
            .AddCheck<LedgerCheck>("ledger", tags: [Ready])
            .AddCheck<BlobStoreCheck>("blobs", tags: [Ready])
            .AddCheck<LeaderCheck>("leader", tags: [Ready]);
        return services;
    }

    /// <summary>Maps the two probes; both answer JSON: the overall status and, for ready, each check's.</summary>
    public static void MapCoordinatorHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync });
    }

    private static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var leadership = http.RequestServices.GetRequiredService<Leadership>();
        string? leader = null;
        if (report.Entries.ContainsKey("leader"))
            leader = leadership.IsLeader ? leadership.Replica : await LeaderOrNullAsync(leadership, http.RequestAborted);
        var body = new
        {
            status = Text(report.Status),
            // Which replica this is, whether it leads, and which one does (ready only: live runs no checks).
            replica = leadership.Replica,
            leading = leadership.IsLeader,
            leader,
            checks = report.Entries.Select(e => new { name = e.Key, status = Text(e.Value.Status), detail = e.Value.Description }).ToList(),
        };
        await JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: http.RequestAborted);
    }

    private static async Task<string?> LeaderOrNullAsync(Leadership leadership, CancellationToken cancellation)
    {
        try
        {
            return await leadership.LeaderAsync(cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Says which replica leads (healthy either way: a follower serves requests as well as the leader).</summary>
    private sealed class LeaderCheck(Leadership leadership) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (leadership.IsLeader)
                return HealthCheckResult.Healthy($"this replica ({leadership.Replica}) leads");
            var leader = await LeaderOrNullAsync(leadership, cancellationToken);
            return HealthCheckResult.Healthy(leader is null ? "no replica leads yet" : $"replica {leader} leads; this one ({leadership.Replica}) follows");
        }
    }

    private static string Text(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <summary>Reads the last event sequence from the state database.</summary>
    private sealed class DatabaseCheck(SwarmStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var last = await store.LastEventSequenceAsync(cancellationToken);
                return HealthCheckResult.Healthy($"last event {last}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"the state database did not answer: {e.Message}");
            }
        }
    }

    /// <summary>Reads the ledger's chain head.</summary>
    private sealed class LedgerCheck(LedgerStore ledger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var head = await ledger.HeadAsync(cancellationToken);
                return HealthCheckResult.Healthy($"ledger head {head.Sequence}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"the ledger did not answer: {e.Message}");
            }
        }
    }

    /// <summary>Writes, reads back and deletes a probe file in the blob folder.</summary>
    private sealed class BlobStoreCheck(BlobStore blobs) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await blobs.ProbeAsync(cancellationToken);
                return HealthCheckResult.Healthy("writable");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return HealthCheckResult.Unhealthy($"the blob store is not usable: {e.Message}");
            }
        }
    }
}
