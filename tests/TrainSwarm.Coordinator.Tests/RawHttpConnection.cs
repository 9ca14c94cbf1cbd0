using System.Net.Sockets;
using System.Text;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// One TCP connection to the coordinator that a test writes HTTP/1.1 to by hand, as slowly as it likes, while everything the
/// server sends back is collected until it closes the connection (what a slow or hostile client sees).
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly MemoryStream _received = new();
    private readonly Task _reader;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RawHttpConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = Task.Run(ReadUntilClosedAsync);
    }

    /// <summary>Opens a connection to <paramref name="address"/>'s host and port.</summary>
    public static async Task<RawHttpConnection> OpenAsync(Uri address)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(address.Host, address.Port);
        return new RawHttpConnection(tcp);
    }

    /// <summary>Whether the server has closed (or reset) the connection.</summary>
    public bool ServerClosed => _closed.Task.IsCompleted;

    /// <summary>Everything the server has sent so far, as text.</summary>
    public string Received
    {
        get
        {
            lock (_received)
                return Encoding.ASCII.GetString(_received.ToArray());
        }
    }

    /// <summary>Sends <paramref name="text"/> at once; false if the server has already closed the connection.</summary>
    public Task<bool> SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Sends <paramref name="bytes"/> at once; false if the server has already closed the connection.</summary>
    public async Task<bool> SendAsync(byte[] bytes)
    {
        if (ServerClosed)
            return false;
        try
        {
            await _stream.WriteAsync(bytes);
            await _stream.FlushAsync();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends <paramref name="bytes"/> in pieces of <paramref name="piece"/> bytes with <paramref name="pause"/> between them, stopping
    /// early when the server closes the connection; returns how many bytes went out.
    /// </summary>
    public async Task<int> TrickleAsync(byte[] bytes, int piece, TimeSpan pause)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            var length = Math.Min(piece, bytes.Length - sent);
            if (!await SendAsync(bytes.AsSpan(sent, length).ToArray()))
                break;
            sent += length;
            await Task.Delay(pause);
        }
        return sent;
    }

    /// <summary>Waits until the server closes the connection, failing after <paramref name="timeoutSeconds"/>.</summary>
    public async Task WaitClosedAsync(int timeoutSeconds = 120)
    {
        var done = await Task.WhenAny(_closed.Task, Task.Delay(TimeSpan.FromSeconds(timeoutSeconds)));
        Assert.True(done == _closed.Task, $"the server kept the connection open for {timeoutSeconds} s; it sent: {Received}");
    }

    private async Task ReadUntilClosedAsync()
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(buffer)) > 0)
                lock (_received)
                    _received.Write(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // A reset is a close too.
        }
        _closed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await _reader;
    }
}
