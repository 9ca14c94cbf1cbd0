using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>
/// What the coordinator's HTTP server allows a client before cutting it off, so that slow or hostile clients (slow-loris
/// headers, trickled bodies, connection floods, oversized headers or bodies) cannot hold its sockets, threads or memory.
/// The defaults suit a public coordinator; volunteers on slow links still upload far above the minimum body rate.
/// </summary>
public sealed record ConnectionLimits
{
    /// <summary>Time a client has to send a request's whole header block (Kestrel's default is 30 s).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an idle keep-alive connection is kept open (Kestrel's default is 130 s). Longer than .NET's client-side idle timeout (60 s),
    /// so a client drops an idle connection before the server does and never sends a request into one the server is closing.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>
    /// The slowest a request body may arrive, in bytes per second, averaged once <see cref="MinRequestBodyGracePeriod"/> has passed;
    /// below it the request is cut off (408). 0 turns the check off. Kestrel's default is 240 B/s after 5 s.
    /// </summary>
    public double MinRequestBodyBytesPerSecond { get; init; } = 1024;

    /// <summary>How long a body may arrive slower than the minimum rate before it counts (more than 1 s: Kestrel checks once a second).</summary>
    public TimeSpan MinRequestBodyGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Open connections served at once (each SSE subscriber holds one); further ones are closed at accept. Null: no limit.</summary>
    public long? MaxConcurrentConnections { get; init; } = 2000;

    /// <summary>The largest header block (request line excluded) a request may carry; larger ones get 431 (Kestrel's default is 32 KiB).</summary>
    public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;

    /// <summary>
    /// The largest body of a signed JSON request (everything but blob uploads and dataset chunks, which may be as large as the blob limit).
    /// It must hold an update's receipt, whose loss curve has one number per inner step (up to 1,000,000 steps).
    /// </summary>
    public long MaxJsonBodyBytes { get; init; } = 16L << 20;

    /// <summary>Refuses limits Kestrel cannot run with, naming the one that is wrong.</summary>
    public void Validate()
    {
        if (RequestHeadersTimeout <= TimeSpan.Zero)
            throw new ArgumentException("the request headers timeout must be positive", nameof(RequestHeadersTimeout));
        if (KeepAliveTimeout <= TimeSpan.Zero)
            throw new ArgumentException("the keep-alive timeout must be positive", nameof(KeepAliveTimeout));
        if (MinRequestBodyBytesPerSecond < 0 || double.IsNaN(MinRequestBodyBytesPerSecond))
            throw new ArgumentException("the minimum body rate must be 0 (off) or positive", nameof(MinRequestBodyBytesPerSecond));
        if (MinRequestBodyBytesPerSecond > 0 && MinRequestBodyGracePeriod <= TimeSpan.FromSeconds(1))
            throw new ArgumentException("the body rate's grace period must be longer than 1 s", nameof(MinRequestBodyGracePeriod));
        if (MaxConcurrentConnections is < 1)
            throw new ArgumentException("the connection limit must be at least 1", nameof(MaxConcurrentConnections));
        if (MaxRequestHeadersBytes < 1024)
            throw new ArgumentException("the header limit must be at least 1 KiB", nameof(MaxRequestHeadersBytes));
        if (MaxJsonBodyBytes < 1024)
            throw new ArgumentException("the JSON body limit must be at least 1 KiB", nameof(MaxJsonBodyBytes));
    }

    /// <summary>Sets Kestrel's limits; its server-wide body limit is the largest any endpoint takes (a blob, plus room for framing).</summary>
    public void ApplyTo(KestrelServerLimits kestrel, long maxBlobBytes)
    {
        Validate();
        kestrel.MaxRequestBodySize = Math.Max(maxBlobBytes, MaxJsonBodyBytes) + (1 << 20);
        kestrel.RequestHeadersTimeout = RequestHeadersTimeout;
        kestrel.KeepAliveTimeout = KeepAliveTimeout;
        kestrel.MinRequestBodyDataRate = MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(MinRequestBodyBytesPerSecond, MinRequestBodyGracePeriod)
            : null;
        kestrel.MaxConcurrentConnections = MaxConcurrentConnections;
        kestrel.MaxRequestHeadersTotalSize = MaxRequestHeadersBytes;
    }
}
