using System.Net;
using System.Security.Cryptography;
using System.Text;
using TrainSwarm.Learning.Data;

namespace TrainSwarm.Learning.Tests.Data;

public class DatasetLocatorTests
{
    // A two-file dataset served by a local handler: no test touches the network.
    private static readonly byte[] A = Encoding.ASCII.GetBytes("first file");
    private static readonly byte[] B = Encoding.ASCII.GetBytes("second file, longer");

    private static DatasetEntry Toy(string? digestOfB = null) => new(
        "toy",
        [new("a.bin", Sha(A)), new("b.bin", digestOfB ?? Sha(B))],
        [],
        new Uri("http://datasets.invalid/toy/"))
    {
        InputShape = [1, 2, 2], Classes = 2, TrainSamples = 4, TestSamples = 2,
    };

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void Catalog_knows_fashion_mnist_and_its_upstream_url()
    {
        DatasetEntry e = DatasetCatalog.Get("Fashion-MNIST");
        Assert.Same(FashionMnist.Entry, e);
        Assert.Equal(4, e.Files.Count);
        Assert.All(e.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        Assert.Equal("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz",
            new Uri(e.DownloadBase!, "train-images-idx3-ubyte.gz").ToString());
        Assert.Throws<ArgumentException>(() => DatasetCatalog.Get("imagenet"));
    }

    [Fact]
    public void Catalog_states_the_facts_jobs_are_checked_and_priced_with()
    {
        // The coordinator checks a spec's model against these and takes the holdout from the training split.
        var e = DatasetCatalog.FashionMnist;
        Assert.Equal([1, 28, 28], e.InputShape);
        Assert.Equal((10, 60_000, 10_000), (e.Classes, e.TrainSamples, e.TestSamples));
        Assert.Equal(FashionMnist.Classes, e.Classes);
    }

    [Fact]
    public async Task Installed_fashion_mnist_is_found_and_verified()
    {
        var locator = new DatasetLocator(cacheRoot: Path.Combine(Path.GetTempPath(), "ts-no-cache"));
        string dir = await locator.LocateAsync("fashion-mnist");
        Assert.Equal(Path.GetFullPath(FashionMnistFixture.Installed), dir);
    }

    [Fact]
    public async Task User_path_with_a_wrong_file_is_a_clear_error()
    {
        using var tmp = new TempDir();
        IdxFiles.Write(tmp.Path, "a.bin", A);
        string bad = IdxFiles.Write(tmp.Path, "b.bin", Encoding.ASCII.GetBytes("tampered"));
        var locator = new DatasetLocator(cacheRoot: Path.Combine(tmp.Path, "cache"));
        var e = await Assert.ThrowsAsync<DataFormatException>(() => locator.LocateAsync(Toy(), tmp.Path));
        Assert.Equal(bad, e.File);
        Assert.Contains($"expected SHA-256 {Sha(B)}", e.Message);
    }

    [Fact]
    public async Task User_path_that_lacks_a_file_is_an_error_not_a_fallback()
    {
        using var tmp = new TempDir();
        IdxFiles.Write(tmp.Path, "a.bin", A);
        var locator = new DatasetLocator(cacheRoot: Path.Combine(tmp.Path, "cache"));
        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => locator.LocateAsync(Toy(), tmp.Path));
        Assert.Contains("lacks b.bin", e.Message);
    }

    [Fact]
    public async Task Without_download_permission_nothing_is_fetched()
    {
        using var tmp = new TempDir();
        var handler = new ServeHandler(new() { ["a.bin"] = A, ["b.bin"] = B });
        var locator = new DatasetLocator(Path.Combine(tmp.Path, "cache"), http: new HttpClient(handler));
        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => locator.LocateAsync(Toy()));
        Assert.Contains("allow the download", e.Message);
        Assert.Equal(0, handler.Requests);
    }

    [Fact]
    public async Task Download_verifies_and_moves_into_the_cache_then_the_cache_is_used()
    {
        using var tmp = new TempDir();
        var handler = new ServeHandler(new() { ["a.bin"] = A, ["b.bin"] = B });
        var locator = new DatasetLocator(Path.Combine(tmp.Path, "cache"), http: new HttpClient(handler));

        string dir = await locator.LocateAsync(Toy(), allowDownload: true);

        Assert.Equal(Path.Combine(tmp.Path, "cache", "toy"), dir);
        Assert.Equal(A, File.ReadAllBytes(Path.Combine(dir, "a.bin")));
        Assert.Equal(B, File.ReadAllBytes(Path.Combine(dir, "b.bin")));
        Assert.Equal(["a.bin", "b.bin"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        Assert.Equal(2, handler.Requests);

        Assert.Equal(dir, await new DatasetLocator(Path.Combine(tmp.Path, "cache")).LocateAsync(Toy()));
        Assert.Equal(dir, await locator.LocateAsync(Toy(), allowDownload: true));
        Assert.Equal(2, handler.Requests);
    }

    [Fact]
    public async Task Download_with_a_wrong_digest_leaves_nothing_behind()
    {
        using var tmp = new TempDir();
        var handler = new ServeHandler(new() { ["a.bin"] = A, ["b.bin"] = Encoding.ASCII.GetBytes("evil mirror") });
        var locator = new DatasetLocator(Path.Combine(tmp.Path, "cache"), http: new HttpClient(handler));

        var e = await Assert.ThrowsAsync<DataFormatException>(() => locator.LocateAsync(Toy(), allowDownload: true));

        Assert.Equal("http://datasets.invalid/toy/b.bin", e.File);
        Assert.Contains("discarded", e.Message);
        Assert.Equal(["a.bin"], Directory.GetFiles(Path.Combine(tmp.Path, "cache", "toy")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_corrupt_cached_file_is_an_error_or_with_download_replaced()
    {
        using var tmp = new TempDir();
        string cache = Directory.CreateDirectory(Path.Combine(tmp.Path, "cache", "toy")).FullName;
        IdxFiles.Write(cache, "a.bin", A);
        IdxFiles.Write(cache, "b.bin", Encoding.ASCII.GetBytes("bit rot"));
        var handler = new ServeHandler(new() { ["a.bin"] = A, ["b.bin"] = B });
        var locator = new DatasetLocator(Path.Combine(tmp.Path, "cache"), http: new HttpClient(handler));

        await Assert.ThrowsAsync<DataFormatException>(() => locator.LocateAsync(Toy()));
        await locator.LocateAsync(Toy(), allowDownload: true);

        Assert.Equal(B, File.ReadAllBytes(Path.Combine(cache, "b.bin")));
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task Http_failure_names_the_url()
    {
        using var tmp = new TempDir();
        var locator = new DatasetLocator(Path.Combine(tmp.Path, "cache"), http: new HttpClient(new ServeHandler([])));
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => locator.LocateAsync(Toy(), allowDownload: true));
        Assert.Contains("http://datasets.invalid/toy/a.bin: 404", e.Message);
    }

    private sealed class ServeHandler(Dictionary<string, byte[]> files) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            string name = request.RequestUri!.Segments[^1];
            Assert.Equal("http://datasets.invalid/toy/" + name, request.RequestUri.ToString());
            return Task.FromResult(files.TryGetValue(name, out byte[]? body)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }
}
