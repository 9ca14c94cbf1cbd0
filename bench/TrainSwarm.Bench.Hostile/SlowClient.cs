using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Bench.Hostile;

/// <summary>What one slow client saw: whether the server cut it off before it finished, after how long, and its first answer line.</summary>
public sealed record SlowClientResult(string Kind, bool Cut, double Seconds, string Answer);

/// <summary>
/// Slow-loris clients: one sends its headers a byte at a time (100 s to finish them), the other sends full headers and then a body at
/// 100 B/s (1,000 s to finish). A coordinator with sane limits cuts both off long before; one that never does is given up on after
/// <c>giveUp</c> and counted as not cut.
/// </summary>
public static class SlowClient
{
    /// <summary>Headers of about 200 bytes, one byte every 500 ms.</summary>
    public static Task<SlowClientResult> HeadersAsync(Uri url, TimeSpan giveUp, CancellationToken cancellation)
    {
        var headers = $"GET {Routes.Jobs} HTTP/1.1\r\nHost: {url.Authority}\r\nX-Slow: {new string('a', 150)}\r\n\r\n";
        return RunAsync("slow headers", url, [], Encoding.ASCII.GetBytes(headers), 1, TimeSpan.FromMilliseconds(500), giveUp, cancellation);
    }

    /// <summary>A 100,000-byte body to the faucet, 10 bytes every 100 ms.</summary>
    public static Task<SlowClientResult> BodyAsync(Uri url, TimeSpan giveUp, CancellationToken cancellation)
    {
        var body = new byte[100_000];
        Array.Fill(body, (byte)' ');
        var head = $"POST {Routes.Faucet} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        return RunAsync("slow body", url, Encoding.ASCII.GetBytes(head), body, 10, TimeSpan.FromMilliseconds(100), giveUp, cancellation);
    }

    private static async Task<SlowClientResult> RunAsync(string kind, Uri url, byte[] head, byte[] trickled, int piece, TimeSpan pause,
        TimeSpan giveUp, CancellationToken cancellation)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(url.Host, url.Port, cancellation);
        var stream = tcp.GetStream();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        stop.CancelAfter(giveUp);
        var answer = ReadUntilClosedAsync(stream, stop.Token);
        var sent = 0;
        try
        {
            await stream.WriteAsync(head, stop.Token);
            while (sent < trickled.Length && !answer.IsCompleted)
            {
                var length = Math.Min(piece, trickled.Length - sent);
                await stream.WriteAsync(trickled.AsMemory(sent, length), stop.Token);
                sent += length;
                await Task.Delay(pause, stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The server closed the connection under the write, or the client gave up: the answer task tells which.
        }
        var received = await answer;
        var cut = received is not null && sent < trickled.Length;
        return new SlowClientResult(kind, cut, Math.Round(clock.Elapsed.TotalSeconds, 1), received?.Split("\r\n")[0] ?? "");
    }

    // Everything the server sent until it closed the connection; null when the client gave up first.
    private static async Task<string?> ReadUntilClosedAsync(NetworkStream stream, CancellationToken cancellation)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellation)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // A reset is a close too.
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }
}
