using System.Text;
using TrainSwarm.Learning.Data;

namespace TrainSwarm.Learning.Tests.Data;

/// <summary>The named catalogue's entries, and the real download path over a loopback HTTP server with the real digests.</summary>
public class DatasetCatalogTests
{
    [Fact]
    public void Catalogue_lists_the_issue_datasets_each_file_pinned_by_a_digest()
    {
        Assert.Equal(["fashion-mnist", "mnist", "kmnist", "emnist-balanced", "cifar-10", "cifar-100", "svhn"], DatasetCatalog.All.Select(e => e.Name));
        foreach (var e in DatasetCatalog.All)
        {
            Assert.NotNull(e.DownloadBase);
            Assert.NotEmpty(e.DigestSource);
            // Every file is pinned: a SHA-256, or for SVHN (whose source publishes none) the MD5 it publishes.
            Assert.All(e.Files, f => Assert.True(
                f.Sha256 is not null ? System.Text.RegularExpressions.Regex.IsMatch(f.Sha256, "^[0-9a-f]{64}$") : f.Md5 is { Length: 32 },
                $"{e.Name}/{f.FileName}"));
        }
        Assert.Equal([3, 32, 32], DatasetCatalog.Cifar100.InputShape);
        Assert.Equal(100, DatasetCatalog.Cifar100.Classes);
        Assert.Equal(47, DatasetCatalog.Get("EMNIST-Balanced").Classes);
    }

    [Fact]
    public void Installed_fashion_mnist_is_accepted_by_its_packaged_digests_and_the_download_by_the_upstream_ones()
    {
        // Debian's copies differ from upstream's bytes only in the gzip header; both are the catalog's files.
        var entry = DatasetCatalog.FashionMnist;
        var locator = new DatasetLocator(Path.Combine(Path.GetTempPath(), "ts-no-cache"));
        foreach (var f in entry.Files)
            locator.Verify(Path.Combine(FashionMnistFixture.Installed, f.FileName), f);
        Assert.Equal("SHA-256 3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", entry.File("train-images-idx3-ubyte.gz").Expected);
    }

    [Fact]
    public async Task Download_over_loopback_http_checks_the_real_digests_and_fills_the_cache()
    {
        using var tmp = new TempDir();
        var files = DatasetCatalog.FashionMnist.Files.ToDictionary(
            f => f.FileName, f => File.ReadAllBytes(Path.Combine(FashionMnistFixture.Installed, f.FileName)));
        using var server = new LoopbackFileServer(files);
        var entry = DatasetCatalog.FashionMnist with { DownloadBase = server.BaseUri };
        var lines = new List<string>();
        var locator = new DatasetLocator(Path.Combine(tmp.Path, "cache"), installPaths: [], log: lines.Add);

        string dir = await locator.LocateAsync(entry, allowDownload: true);

        Assert.Equal(Path.Combine(tmp.Path, "cache", "fashion-mnist"), dir);
        Assert.Equal(4, server.Requests);
        Assert.Contains($"downloading {server.BaseUri}train-images-idx3-ubyte.gz", lines);
        Assert.Equal(files["train-images-idx3-ubyte.gz"], File.ReadAllBytes(Path.Combine(dir, "train-images-idx3-ubyte.gz")));
        // The cache now serves the dataset, loaded and checked, without another request.
        var (train, test) = await CatalogData.LoadAsync(new DatasetLocator(Path.Combine(tmp.Path, "cache"), installPaths: []), entry);
        Assert.Equal((60_000, 10_000), (train.Count, test.Count));
        Assert.Equal(4, server.Requests);
    }

    [Fact]
    public async Task A_mirror_serving_other_bytes_is_refused_and_nothing_is_cached()
    {
        using var tmp = new TempDir();
        var fake = DatasetCatalog.Mnist.Files.ToDictionary(f => f.FileName, f => Encoding.ASCII.GetBytes("not " + f.FileName));
        using var server = new LoopbackFileServer(fake);
        var entry = DatasetCatalog.Mnist with { DownloadBase = server.BaseUri };
        var locator = new DatasetLocator(Path.Combine(tmp.Path, "cache"), installPaths: []);

        var e = await Assert.ThrowsAsync<DataFormatException>(() => locator.LocateAsync(entry, allowDownload: true));

        Assert.Equal($"{server.BaseUri}train-images-idx3-ubyte.gz", e.File);
        Assert.Contains("expected SHA-256 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609; the download was discarded", e.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(tmp.Path, "cache", "mnist")));
    }

    [Fact]
    public async Task An_md5_pinned_file_is_checked_by_its_md5()
    {
        using var tmp = new TempDir();
        byte[] body = Encoding.ASCII.GetBytes("svhn-like bytes");
        string md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(body));
        var entry = DatasetCatalog.Svhn with { Files = [new DatasetFile("a.mat", null, md5)] };
        using var server = new LoopbackFileServer(new() { ["a.mat"] = body });
        var locator = new DatasetLocator(Path.Combine(tmp.Path, "cache"), installPaths: []);

        string dir = await locator.LocateAsync(entry with { DownloadBase = server.BaseUri }, allowDownload: true);
        Assert.Equal(body, File.ReadAllBytes(Path.Combine(dir, "a.mat")));

        File.WriteAllBytes(Path.Combine(dir, "a.mat"), Encoding.ASCII.GetBytes("tampered bytes!"));
        var e = await Assert.ThrowsAsync<DataFormatException>(() => locator.LocateAsync(entry));
        Assert.Contains($"expected MD5 {md5} for a.mat", e.Message);
    }
}
