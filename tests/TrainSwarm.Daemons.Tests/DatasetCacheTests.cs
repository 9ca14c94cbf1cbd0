using System.Buffers.Binary;
using TrainSwarm.Learning.Data;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons.Tests;

/// <summary>The daemons' dataset cache: the catalog's datasets, and any name given a directory of IDX files.</summary>
public sealed class DatasetCacheTests : IDisposable
{
    private const string FashionMnistDir = "/usr/share/datasets/fashion-mnist";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "swarm-datasets-" + Guid.NewGuid().ToString("N"));

    public DatasetCacheTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_name_with_a_path_loads_its_idx_files()
    {
        var cache = new DatasetCache(null, false, paths: new Dictionary<string, string> { ["digits"] = FashionMnistDir });
        Assert.True(cache.IsLoadable("digits"));
        Assert.Equal(["cifar-10", "cifar-100", "digits", "emnist-balanced", "fashion-mnist", "kmnist", "mnist", "svhn"], cache.Names);
        var data = await cache.GetAsync("digits", CancellationToken.None);
        Assert.Equal((60_000, 1, 28, 28, 10), (data.Count, data.Channels, data.Height, data.Width, data.Classes));
        // Fashion-MNIST's first training image is an ankle boot (class 9), its second a T-shirt (0).
        Assert.Equal([9, 0], data.Labels[..2]);
        Assert.Same(data, await cache.GetAsync("digits", CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_path_only_catalog_names_are_loadable()
    {
        var cache = new DatasetCache(null, false);
        Assert.True(cache.IsLoadable("fashion-mnist"));
        Assert.True(cache.IsLoadable("cifar-10"));
        Assert.False(cache.IsLoadable("digits"));
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => cache.GetAsync("digits", CancellationToken.None));
        Assert.Equal("this node cannot load dataset 'digits' (it knows: cifar-10, cifar-100, emnist-balanced, fashion-mnist, kmnist, mnist, svhn; "
            + "give it a path to load another)", e.Message);
    }

    [Fact]
    public void Every_catalog_name_is_one_a_job_may_name()
    {
        Assert.Equal(DatasetCatalog.All.Select(e => e.Name), JobSpecRules.Datasets);
        Assert.Equal(JobSpecRules.Datasets, DatasetCache.Loadable);
    }

    [Fact]
    public async Task Only_datasets_whose_files_are_here_stay_loadable_after_the_presence_check()
    {
        // A data root with one folder per dataset: fashion-mnist's real files, an MNIST folder holding other bytes under MNIST's names.
        var root = Directory.CreateDirectory(Path.Combine(_folder, "root")).FullName;
        var fashion = Directory.CreateDirectory(Path.Combine(root, "fashion-mnist")).FullName;
        var mnist = Directory.CreateDirectory(Path.Combine(root, "mnist")).FullName;
        foreach (var f in DatasetCatalog.FashionMnist.Files)
        {
            File.Copy(Path.Combine(FashionMnistDir, f.FileName), Path.Combine(fashion, f.FileName));
            File.Copy(Path.Combine(FashionMnistDir, f.FileName), Path.Combine(mnist, f.FileName));
        }
        var cache = new DatasetCache(root, false, paths: new Dictionary<string, string> { ["gone"] = Path.Combine(_folder, "nope") });
        var absent = await cache.CheckPresentAsync(["fashion-mnist", "mnist", "cifar-10", "gone", "uploaded"], CancellationToken.None);
        Assert.Equal(["cifar-10", "gone", "mnist"], absent.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"dataset 'cifar-10': {root} lacks cifar-10-binary.tar.gz", absent["cifar-10"]);
        Assert.StartsWith(Path.Combine(mnist, "train-images-idx3-ubyte.gz") + ": SHA-256 is ", absent["mnist"], StringComparison.Ordinal);
        Assert.EndsWith("for train-images-idx3-ubyte.gz: not the catalog's file", absent["mnist"], StringComparison.Ordinal);
        Assert.Equal((true, false, false, false, true), (cache.IsLoadable("fashion-mnist"), cache.IsLoadable("mnist"), cache.IsLoadable("cifar-10"),
            cache.IsLoadable("gone"), cache.IsLoadable("uploaded")));
    }

    [Fact]
    public async Task Raw_idx_files_load_too()
    {
        WriteIdx(
            Path.Combine(_folder, "train-images-idx3-ubyte"), 0x0803, [3, 28, 28],
            Enumerable.Range(0, 3 * 28 * 28).Select(i => (byte)(i / 784 * 100)).ToArray());
        WriteIdx(Path.Combine(_folder, "train-labels-idx1-ubyte"), 0x0801, [3], [7, 1, 4]);
        var cache = new DatasetCache(null, false, paths: new Dictionary<string, string> { ["tiny"] = _folder });
        var data = await cache.GetAsync("tiny", CancellationToken.None);
        Assert.Equal([7, 1, 4], data.Labels);
        Assert.Equal([0f, 100f / 255f, 200f / 255f], new[] { data.Image(0)[5], data.Image(1)[5], data.Image(2)[783] });
    }

    [Fact]
    public async Task A_missing_directory_or_file_is_named()
    {
        var missing = Path.Combine(_folder, "nope");
        var cache = new DatasetCache(null, false, paths: new Dictionary<string, string> { ["gone"] = missing, ["empty"] = _folder });
        var noDir = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => cache.GetAsync("gone", CancellationToken.None));
        Assert.Equal($"dataset 'gone': the directory {missing} does not exist", noDir.Message);
        var noFile = await Assert.ThrowsAsync<FileNotFoundException>(() => cache.GetAsync("empty", CancellationToken.None));
        Assert.Equal($"dataset 'empty': {_folder} lacks train-images-idx3-ubyte.gz (or train-images-idx3-ubyte)", noFile.Message);
    }

    // IDX: a big-endian magic (0, 0, type 0x08 = unsigned byte, rank), the dimensions, then the bytes.
    private static void WriteIdx(string path, int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        File.WriteAllBytes(path, bytes);
    }
}
