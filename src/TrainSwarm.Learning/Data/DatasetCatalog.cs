namespace TrainSwarm.Learning.Data;

/// <summary>
/// The named datasets nodes can resolve locally, with the digests that prove a copy is the right one. A digest is listed
/// only where it could be checked: computed here from a packaged copy, or published by the source, or the same value in
/// several independent public loaders; each entry's <see cref="DatasetEntry.DigestSource"/> says which.
/// </summary>
public static class DatasetCatalog
{
    private static readonly string[] IdxFiles =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>
    /// Zalando's Fashion-MNIST. The download is checked against the upstream SHA-256; Debian's dataset-fashion-mnist ships the
    /// same images in gzip files without the original name in the header (each is exactly that name plus its NUL shorter),
    /// so those digests, computed from the installed package, are accepted too.
    /// </summary>
    public static DatasetEntry FashionMnist { get; } = new(
        "fashion-mnist",
        Idx(
            ("3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
            ("a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
            ("346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
            ("67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05")),
        ["/usr/share/datasets/fashion-mnist/"],
        new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"))
    {
        InputShape = [1, 28, 28], Classes = 10, TrainSamples = 60_000, TestSamples = 10_000,
        DigestSource = "Debian package digests computed from /usr/share/datasets/fashion-mnist; upstream digests as listed by "
            + "several independent loaders (torchvision, TFDS-based and others), not computed here",
    };

    /// <summary>LeCun, Cortes and Burges' MNIST handwritten digits, from the mirror torchvision downloads from.</summary>
    public static DatasetEntry Mnist { get; } = new(
        "mnist",
        Idx(
            ("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", null),
            ("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", null),
            ("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", null),
            ("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", null)),
        [],
        new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"))
    {
        InputShape = [1, 28, 28], Classes = 10, TrainSamples = 60_000, TestSamples = 10_000,
        DigestSource = "the same SHA-256 in many independent public loaders (TFDS/Keras-derived and others); not computed here",
    };

    /// <summary>Kuzushiji-MNIST (ROIS-DS CODH): ten cursive Japanese characters in the MNIST layout.</summary>
    public static DatasetEntry Kmnist { get; } = new(
        "kmnist",
        Idx(
            ("51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4", null),
            ("e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17", null),
            ("edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5", null),
            ("20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c", null)),
        [],
        new Uri("http://codh.rois.ac.jp/kmnist/dataset/kmnist/"))
    {
        InputShape = [1, 28, 28], Classes = 10, TrainSamples = 60_000, TestSamples = 10_000,
        DigestSource = "the same SHA-256 in torchvision's prototype loader and two other independent loaders; not computed here",
    };

    /// <summary>EMNIST (balanced split: 47 classes) as the archive of every split's gzip IDX files the source distributes.</summary>
    public static DatasetEntry EmnistBalanced { get; } = new(
        "emnist-balanced",
        [new("emnist-gzip.zip", "909a2a39c5e86bdd7662425e9b9c4a49bb582bf8d0edad427f3c3a9d0c6f7259")],
        [],
        new Uri("https://rds.westernsydney.edu.au/Institutes/MARCS/BENS/EMNIST/"))
    {
        InputShape = [1, 28, 28], Classes = 47, TrainSamples = 112_800, TestSamples = 18_800, Layout = DatasetLayout.EmnistZip,
        DigestSource = "SHA-256 from torchvision's prototype loader, a single source; not computed here",
    };

    /// <summary>CIFAR-10 (Krizhevsky), the binary version: 32×32 RGB images of 10 classes.</summary>
    public static DatasetEntry Cifar10 { get; } = new(
        "cifar-10",
        [new("cifar-10-binary.tar.gz", "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd")],
        [],
        new Uri("https://www.cs.toronto.edu/~kriz/"))
    {
        InputShape = [3, 32, 32], Classes = 10, TrainSamples = 50_000, TestSamples = 10_000, Layout = DatasetLayout.CifarBinary,
        DigestSource = "the same SHA-256 in several independent loaders, one of which also checked the MD5 the source publishes; not computed here",
    };

    /// <summary>CIFAR-100 (Krizhevsky), the binary version: 32×32 RGB images of 100 fine classes.</summary>
    public static DatasetEntry Cifar100 { get; } = new(
        "cifar-100",
        [new("cifar-100-binary.tar.gz", "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec")],
        [],
        new Uri("https://www.cs.toronto.edu/~kriz/"))
    {
        InputShape = [3, 32, 32], Classes = 100, TrainSamples = 50_000, TestSamples = 10_000, Layout = DatasetLayout.CifarBinary,
        DigestSource = "the same SHA-256 in several independent loaders; not computed here",
    };

    /// <summary>SVHN cropped digits (Netzer et al.): 32×32 RGB house numbers; the source and torchvision publish only MD5s.</summary>
    public static DatasetEntry Svhn { get; } = new(
        "svhn",
        [new("train_32x32.mat", null, "e26dedcc434d2e4c54c9b2d4a06d8373"), new("test_32x32.mat", null, "eb5a983be6a315427106f1b164d9cef3")],
        [],
        new Uri("http://ufldl.stanford.edu/housenumbers/"))
    {
        InputShape = [3, 32, 32], Classes = 10, TrainSamples = 73_257, TestSamples = 26_032, Layout = DatasetLayout.Matlab,
        DigestSource = "MD5 as torchvision and several other loaders check it (no SHA-256 is published); not computed here",
    };

    /// <summary>Every catalog entry.</summary>
    public static IReadOnlyList<DatasetEntry> All { get; } = [FashionMnist, Mnist, Kmnist, EmnistBalanced, Cifar10, Cifar100, Svhn];

    /// <summary>The entry called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static DatasetEntry? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The entry called <paramref name="name"/>; throws listing the known names if there is none.</summary>
    public static DatasetEntry Get(string name) =>
        Find(name) ?? throw new ArgumentException(
            $"unknown dataset '{name}'; known: {string.Join(", ", All.Select(e => e.Name))}", nameof(name));

    // The four MNIST-layout files, each with its upstream SHA-256 and, where a package repacks it, the packaged one.
    private static DatasetFile[] Idx(params (string Upstream, string? Packaged)[] digests) =>
        [.. IdxFiles.Zip(digests, (name, d) => new DatasetFile(name, d.Upstream) { AlsoAccepted = d.Packaged is null ? [] : [d.Packaged] })];
}
