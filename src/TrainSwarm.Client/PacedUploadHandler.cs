using System.Diagnostics;
using System.Net;

namespace TrainSwarm.Client;

/// <summary>
/// Caps how fast request bodies leave this process (a node operator's upload bandwidth limit, `swarm node start
/// --upload-limit`): every body is sent in slices, each after the time the bytes before it are allowed to take.
/// Responses are not paced. The signature covers the body bytes, which are unchanged; only their timing is.
/// </summary>
public sealed class PacedUploadHandler : DelegatingHandler
{
    private readonly long _bytesPerSecond;

    /// <summary>Sends at most <paramref name="bytesPerSecond"/> body bytes a second per request, through <paramref name="inner"/>.</summary>
    public PacedUploadHandler(long bytesPerSecond, HttpMessageHandler inner)
        : base(inner)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        _bytesPerSecond = bytesPerSecond;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var paced = new PacedContent(bytes, _bytesPerSecond);
            foreach (var header in content.Headers)
                paced.Headers.TryAddWithoutValidation(header.Key, header.Value);
            request.Content = paced;
            content.Dispose();
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private sealed class PacedContent(byte[] bytes, long bytesPerSecond) : HttpContent
    {
        // Slices of a tenth of a second's bytes (at least 1 KiB): small enough to keep the rate even, large enough to be cheap.
        private readonly int _slice = (int)Math.Clamp(bytesPerSecond / 10, 1024, 1 << 20);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            for (var sent = 0; sent < bytes.Length;)
            {
                var allowedAt = TimeSpan.FromSeconds((double)sent / bytesPerSecond);
                var wait = allowedAt - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                var count = Math.Min(_slice, bytes.Length - sent);
                await stream.WriteAsync(bytes.AsMemory(sent, count), cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                sent += count;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
