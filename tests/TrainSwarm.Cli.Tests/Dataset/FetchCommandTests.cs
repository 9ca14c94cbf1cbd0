using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace TrainSwarm.Cli.Tests.Dataset;

/// <summary>`swarm dataset fetch|catalog`: local resolution, a download from a loopback mirror, and the one-line refusals.</summary>
public sealed class FetchCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ts-fetch-").FullName;

    private string Cache => Path.Combine(_dir, "cache");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Installed_fashion_mnist_is_found_and_checked_without_any_request()
    {
        var (code, output) = await CliRunner.Run("dataset", "fetch", "fashion-mnist", "--cache", Cache, "--mirror", "http://127.0.0.1:9/");
        Assert.True(code == 0, output);
        var lines = Lines.Of(output);
        Assert.Equal("fashion-mnist: /usr/share/datasets/fashion-mnist/ (installed)", lines[0]);
        Assert.Equal("train-images-idx3-ubyte.gz  SHA-256 3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", lines[1]);
        Assert.False(Directory.Exists(Cache));
    }

    [Fact]
    public async Task A_download_from_a_mirror_with_other_bytes_is_refused_in_one_line_and_caches_nothing()
    {
        using var server = new Mirror(Encoding.ASCII.GetBytes("a look-alike"));
        var (code, output) = await CliRunner.Run("dataset", "fetch", "mnist", "--cache", Cache, "--mirror", server.Url);
        Assert.Equal(1, code);
        var lines = Lines.Of(output);
        Assert.Equal([$"downloading {server.Url}train-images-idx3-ubyte.gz"], lines[..^1]);
        Assert.Equal($"error: cannot fetch mnist: {server.Url}train-images-idx3-ubyte.gz: downloaded SHA-256 is "
            + $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes("a look-alike")))}, "
            + "expected SHA-256 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609; the download was discarded", lines[^1]);
        Assert.Equal(1, server.Requests);
        Assert.Empty(Directory.GetFiles(Path.Combine(Cache, "mnist")));
    }

    [Fact]
    public async Task No_download_fails_naming_where_it_looked_and_sends_nothing()
    {
        using var server = new Mirror([]);
        var (code, output) = await CliRunner.Run("dataset", "fetch", "kmnist", "--no-download", "--cache", Cache, "--mirror", server.Url);
        Assert.Equal(1, code);
        Assert.Equal($"error: cannot fetch kmnist: dataset 'kmnist' not found in {Path.Combine(Cache, "kmnist")}; give its directory or allow the download",
            Lines.Single(output));
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task A_cached_copy_is_used_and_a_wrong_user_copy_is_an_error()
    {
        // The installed files, copied into a user directory: found there and reported as the user's.
        var mine = Directory.CreateDirectory(Path.Combine(_dir, "mine")).FullName;
        foreach (var f in Directory.GetFiles("/usr/share/datasets/fashion-mnist/", "*.gz"))
            File.Copy(f, Path.Combine(mine, Path.GetFileName(f)));
        var (code, output) = await CliRunner.Run("dataset", "fetch", "fashion-mnist", "--path", mine, "--json");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        Assert.Equal((mine, "your path", 4), (json.RootElement.GetProperty("directory").GetString(), json.RootElement.GetProperty("source").GetString(),
            json.RootElement.GetProperty("files").GetArrayLength()));

        File.WriteAllBytes(Path.Combine(mine, "t10k-labels-idx1-ubyte.gz"), [1, 2, 3]);
        var (badCode, bad) = await CliRunner.Run("dataset", "fetch", "fashion-mnist", "--path", mine);
        Assert.Equal(1, badCode);
        var expected = $"error: cannot fetch fashion-mnist: {Path.Combine(mine, "t10k-labels-idx1-ubyte.gz")}: SHA-256 is ";
        Assert.StartsWith(expected, Lines.Single(bad), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_names_and_bad_mirrors_are_usage_errors()
    {
        var (code, output) = await CliRunner.Run("dataset", "fetch", "imagenet");
        Assert.Equal(2, code);
        Assert.Equal("error: unknown dataset 'imagenet'; known: fashion-mnist, mnist, kmnist, emnist-balanced, cifar-10, cifar-100, svhn (see --help)",
            Lines.Single(output));
        var (mirrorCode, mirror) = await CliRunner.Run("dataset", "fetch", "mnist", "--mirror", "ftp://example");
        Assert.Equal((2, "error: --mirror 'ftp://example' is not an http(s) URL (see --help)"), (mirrorCode, Lines.Single(mirror)));
    }

    [Fact]
    public async Task Catalog_lists_every_named_dataset_with_its_digest_source()
    {
        var (code, output) = await CliRunner.Run("dataset", "catalog", "--json");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(7, rows.Count);
        var cifar = rows.Single(r => r.GetProperty("name").GetString() == "cifar-10");
        Assert.Equal("CifarBinary", cifar.GetProperty("layout").GetString());
        Assert.Equal("https://www.cs.toronto.edu/~kriz/", cifar.GetProperty("source").GetString());
        var (_, text) = await CliRunner.Run("dataset", "catalog");
        Assert.StartsWith("fashion-mnist    1x28x28   10 classes    60000 train  10000 test  Idx          http", Lines.Of(text)[0], StringComparison.Ordinal);
    }

    // A real HTTP server on 127.0.0.1 that answers every file name with the same bytes (or 404 when there are none).
    private sealed class Mirror : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private int _requests;

        public Mirror(byte[] body)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/mnist/";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (true)
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
                    if (body.Length == 0)
                        context.Response.StatusCode = 404;
                    else
                        await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
    }
}
