using System.Text.Json;

namespace TrainSwarm.Cli.Devnet;

/// <summary>What a coordinator replica's <c>/health/ready</c> says about leadership.</summary>
/// <param name="Replica">The replica's own name.</param>
/// <param name="Leading">True when this replica runs the background duties.</param>
/// <param name="Leader">The replica that leads, as this one knows it (null: none yet).</param>
public sealed record ReplicaHealth(string Replica, bool Leading, string? Leader)
{
    /// <summary>Reads <paramref name="coordinator"/>'s readiness; null when it does not answer (stopped, starting, killed).</summary>
    public static async Task<ReplicaHealth?> ReadAsync(HttpClient http, Uri coordinator, CancellationToken cancellation)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(coordinator, "/health/ready"), cancellation);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation));
            var root = json.RootElement;
            return new ReplicaHealth(root.GetProperty("replica").GetString()!, root.GetProperty("leading").GetBoolean(),
                root.TryGetProperty("leader", out var leader) && leader.ValueKind == JsonValueKind.String ? leader.GetString() : null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or TaskCanceledException
                                      && !cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Polls every replica until one says it leads; returns its number, or throws after <paramref name="timeout"/>.</summary>
    public static async Task<int> WaitForLeaderAsync(HttpClient http, IReadOnlyList<Uri> replicas, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            for (var i = 0; i < replicas.Count; i++)
                if (await ReadAsync(http, replicas[i], cancellation) is { Leading: true })
                    return i;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no coordinator replica reported leading within {timeout.TotalSeconds:F0} s");
            await Task.Delay(20, cancellation);
        }
    }
}
