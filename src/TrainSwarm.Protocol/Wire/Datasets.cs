namespace TrainSwarm.Protocol.Wire;

/// <summary>One stored part of an uploaded dataset: its blob (the SHA-256 of its bytes) and how many samples it holds.</summary>
/// <param name="Count">Samples, or for a text dataset tokens.</param>
/// <param name="Start">For a text dataset's training shard, its first token in the training stream (shards are contiguous ranges).</param>
public sealed record DatasetPart(string Blob, int Count, long Bytes, long? Start = null);

/// <summary>
/// What an uploaded dataset is, fixed when it was split: its format and sample shape, its classes, its sample count, the
/// holdout part (validators only: the coordinator never serves it to anyone else) and the training shards, each named by the
/// SHA-256 of its bytes.
/// </summary>
/// <param name="Id">The dataset id (<see cref="DatasetIds"/>); a job's <c>dataset</c> field names it.</param>
/// <param name="Format">The upload format's wire name; <c>text</c> is a token stream for lm jobs (no shape, no classes).</param>
/// <param name="Count">Samples, or for a text dataset tokens (holdout and shards together).</param>
/// <param name="SourceSha256">The SHA-256 of the file as uploaded.</param>
/// <param name="SplitSeed">
/// The seed the holdout and shards were cut with (<c>DataSplit(Count, 0.1, seed)</c>): the upload's <c>--split-seed</c>, or else
/// the first 8 bytes of <paramref name="SourceSha256"/> read big-endian; anyone holding the file can redo the split from it. Null on
/// a manifest stored before the seed was recorded.
/// </param>
/// <param name="Tokenizer">For a text dataset, the tokenizer its tokens come from (<c>byte</c>: the UTF-8 bytes); null otherwise.</param>
public sealed record DatasetManifest(
    string Id, string Name, string Owner, string Format, IReadOnlyList<int> InputShape, int Classes, IReadOnlyList<string> ClassNames,
    int Count, string SourceSha256, long SourceBytes, DatasetPart Holdout, IReadOnlyList<DatasetPart> Shards, DateTimeOffset CreatedAt,
    ulong? SplitSeed = null, string? Tokenizer = null)
{
    /// <summary>The wire name of the text format, the one format an lm job trains on.</summary>
    public const string TextFormat = "text";

    /// <summary>True for a text dataset (a token stream for lm jobs).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsText => Format == TextFormat;
}

/// <summary>A dataset as the API shows it: its manifest, <c>ready</c> or <c>deleted</c>, and the jobs that name it.</summary>
public sealed record DatasetView(DatasetManifest Manifest, string Status, IReadOnlyList<string> Jobs);

/// <summary>
/// Starts (or resumes) a chunked upload: what the file is and how it should be read. The same creator starting the same file
/// (size and digest) again gets the same upload back with the bytes already received, so a broken transfer resumes.
/// </summary>
/// <param name="Format">An upload format's wire name: idx, csv, npz, tabular, png-zip, text.</param>
/// <param name="Shape">For an image CSV, HxW or CxHxW when the pixels per line make no square.</param>
/// <param name="LabelColumn">For a tabular CSV, the label column's header name (null: label).</param>
/// <param name="Shards">
/// Training shards to cut (null: <see cref="DatasetIds.DefaultShards"/>); a job of n nodes gives node i every shard j ≡ i (mod n).
/// </param>
public sealed record DatasetUploadStart(string Name, string Format, long Size, string Sha256, string? Shape = null, string? LabelColumn = null,
    int? Shards = null, ulong? SplitSeed = null);

/// <summary>Where an upload stands: how many bytes of <paramref name="Size"/> arrived, and how large a chunk may be.</summary>
public sealed record DatasetUploadStatus(string UploadId, long Size, long Received, int ChunkBytes);

/// <summary>The formats of dataset and upload ids, and the defaults an upload is split with.</summary>
public static class DatasetIds
{
    /// <summary>Shards cut when the upload does not say: enough for 8 nodes, each with at least one.</summary>
    public const int DefaultShards = 8;

    /// <summary>The most shards one dataset may be cut into.</summary>
    public const int MaxShards = 256;

    /// <summary>The share of an upload kept back as its holdout.</summary>
    public const double HoldoutFraction = 0.1;

    /// <summary>How a dataset id looks: <c>ds</c> and 32 lowercase hex characters.</summary>
    public const string Format = "ds + 32 hex characters";

    /// <summary>The name a node registers to serve every uploaded dataset (it downloads their shards from the coordinator).</summary>
    public const string UploadedName = "uploaded";

    /// <summary>True when a node that registered <paramref name="registered"/> can train on <paramref name="dataset"/>.</summary>
    public static bool Serves(IReadOnlyList<string> registered, string dataset) =>
        registered.Contains(dataset) || (IsValid(dataset) && registered.Contains(UploadedName));

    /// <summary>True for a well-formed dataset id (<c>ds</c> + 32 lowercase hex).</summary>
    public static bool IsValid(string? id) => IsPrefixedHex(id, "ds");

    /// <summary>True for a well-formed upload id (<c>up</c> + 32 lowercase hex).</summary>
    public static bool IsValidUpload(string? id) => IsPrefixedHex(id, "up");

    private static bool IsPrefixedHex(string? id, string prefix) =>
        id is { Length: 34 } && id.StartsWith(prefix, StringComparison.Ordinal) && id.AsSpan(2).IndexOfAnyExcept("0123456789abcdef") < 0;
}
