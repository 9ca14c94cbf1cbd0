using System.Net;
using System.Net.Sockets;

namespace TrainSwarm.Learning.Tests.Data;

/// <summary>
/// A real HTTP server on 127.0.0.1 serving fixed bytes by file name: the download path is tested over a socket, never against
/// the network. It counts requests so a test can prove that nothing was fetched.
/// </summary>
internal sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _files;
    private readonly Task _loop;
    private int _requests;

    public LoopbackFileServer(Dictionary<string, byte[]> files)
    {
        _files = files;
        int port = FreePort();
        BaseUri = new Uri($"http://127.0.0.1:{port}/data/");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUri { get; }

    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            string name = context.Request.Url!.Segments[^1];
            if (context.Request.Url.AbsolutePath.StartsWith("/data/", StringComparison.Ordinal) && _files.TryGetValue(name, out var body))
            {
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(10));
    }
}
