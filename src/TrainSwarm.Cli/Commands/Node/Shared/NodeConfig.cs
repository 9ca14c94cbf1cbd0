using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// The node operator's configuration file (<c>~/.trainswarm/config.json</c>), exactly as stored: every field is
/// optional, and an absent one means "the built-in default". The same shape holds a preset's settings. The private
/// key is never stored here, only the path of its file.
/// </summary>
public sealed record NodeConfig
{
    public string? Coordinator { get; init; }
    public string? KeyFile { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<string>? Datasets { get; init; }

    /// <summary>Token amounts are stored as exact decimal text ("0.500000"), never as JSON numbers, so no float touches money.</summary>
    public string? MinReward { get; init; }
    public string? MaxReward { get; init; }
    public string? MaxStake { get; init; }
    public int? Epochs { get; init; }

    /// <summary>0 means no cap.</summary>
    public int? MaxBatches { get; init; }
    public int? MaxParallel { get; init; }
    public bool? AutoTrain { get; init; }
    public bool? AutoClaim { get; init; }
    public string? Encoding { get; init; }
    public int? Threads { get; init; }
    public int? PollMs { get; init; }
    public string? DataDir { get; init; }

    /// <summary>The preset last applied with `swarm node config --preset` (for people; the values were copied in).</summary>
    public string? Preset { get; init; }

    /// <summary>Requested dataset name → local dataset name.</summary>
    public SortedDictionary<string, string>? Mappings { get; init; }

    /// <summary>Local dataset name → directory holding its files.</summary>
    public SortedDictionary<string, string>? Paths { get; init; }

    /// <summary>The user's own presets, by name.</summary>
    public SortedDictionary<string, NodeConfig>? Presets { get; init; }

    /// <summary>An empty configuration: every setting at its default.</summary>
    public static NodeConfig Empty { get; } = new();

    /// <summary>snake_case keys as users type them in `--set`, absent fields left out, unknown keys refused.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The file's text: indented JSON and a final newline.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";
}
