using TrainSwarm.Protocol.Blobs;

namespace TrainSwarm.Node;

/// <summary>
/// The node's own copies of the training states its receipts commit to, on disk, one folder per round attempt, until
/// the round is settled: a validator may ask for any of them after the deadline, and a node restarted meanwhile must
/// still answer (a state it cannot supply in time counts as fraud). Files are named by their blob id (the SHA-256 the
/// receipt commits) and written to a temporary name first, so a crash never leaves a truncated state under a real id.
/// </summary>
public sealed class CheckpointStore
{
    private readonly string _root;

    /// <summary>A store under <paramref name="directory"/>, in a folder of its own for <paramref name="node"/>.</summary>
    public CheckpointStore(string directory, string node)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        _root = Path.Combine(Path.GetFullPath(directory), node);
    }

    /// <summary>Keeps <paramref name="states"/> for round <paramref name="roundId"/> attempt <paramref name="attempt"/>.</summary>
    public void Save(string roundId, int attempt, IEnumerable<byte[]> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var folder = Folder(roundId, attempt);
        Directory.CreateDirectory(folder);
        foreach (var state in states)
        {
            var path = Path.Combine(folder, BlobId.Of(state));
            if (File.Exists(path))
                continue;
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, state);
            File.Move(temporary, path, overwrite: true);
        }
    }

    /// <summary>The state with blob id <paramref name="state"/> of the round attempt, or null when this node has none (checked against its id).</summary>
    public byte[]? Load(string roundId, int attempt, string state)
    {
        if (!BlobId.IsValid(state))
            return null;
        var path = Path.Combine(Folder(roundId, attempt), state);
        if (!File.Exists(path))
            return null;
        var bytes = File.ReadAllBytes(path);
        return BlobId.Of(bytes) == state ? bytes : null;
    }

    /// <summary>The round attempts this store holds states for.</summary>
    public IReadOnlyList<(string RoundId, int Attempt)> Rounds()
    {
        if (!Directory.Exists(_root))
            return [];
        var rounds = new List<(string, int)>();
        foreach (var folder in Directory.EnumerateDirectories(_root))
        {
            var name = Path.GetFileName(folder);
            var cut = name.LastIndexOf(AttemptMark, StringComparison.Ordinal);
            if (cut > 0 && int.TryParse(name.AsSpan(cut + AttemptMark.Length), out var attempt))
                rounds.Add((name[..cut], attempt));
        }
        return rounds;
    }

    /// <summary>Deletes the states of a settled (or abandoned) round attempt.</summary>
    public void Forget(string roundId, int attempt)
    {
        var folder = Folder(roundId, attempt);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    private const string AttemptMark = ".attempt-";

    private string Folder(string roundId, int attempt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roundId);
        // Round ids are the coordinator's ([a-z0-9-]); refuse anything that could leave the store.
        if (roundId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
            throw new ArgumentException($"'{roundId}' is not a round id", nameof(roundId));
        return Path.Combine(_root, $"{roundId}{AttemptMark}{attempt}");
    }
}
