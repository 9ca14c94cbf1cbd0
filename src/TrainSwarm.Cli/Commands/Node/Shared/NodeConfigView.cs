using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>How `swarm node config` shows a config and the presets, as text or JSON, with secrets redacted.</summary>
public static class NodeConfigView
{
    /// <summary>One line per key: its value and whether it is set in the file or the default.</summary>
    public static IReadOnlyList<string> Lines(NodeConfig config, string path, bool exists)
    {
        var shown = NodeConfigRedaction.Redact(config);
        var lines = new List<string> { $"node config {path}{(exists ? "" : " (not created yet: every setting is its default)")}" };
        foreach (var key in NodeConfigKeys.All)
            lines.Add(key.Get(shown) is { } value ? $"  {key.Name,-13} {value}" : $"  {key.Name,-13} {key.Default} (default)");
        lines.Add($"  {"preset",-13} {shown.Preset ?? "none applied"}");
        lines.Add($"  {"mappings",-13} {Pairs(shown.Mappings, " -> ")}");
        lines.Add($"  {"paths",-13} {Pairs(shown.Paths, " = ")}");
        lines.Add($"  {"presets",-13} {(shown.Presets is { Count: > 0 } p ? string.Join(", ", p.Keys) : "none saved")}");
        return lines;
    }

    /// <summary>The file's settings (only those set) as snake_case JSON, redacted.</summary>
    public static string Json(NodeConfig config) => NodeConfigRedaction.Redact(config).ToJson().TrimEnd('\n');

    /// <summary>A table of every preset: its name, kind, settings and what it is for.</summary>
    public static Table PresetTable(NodeConfig config)
    {
        var table = new Table().AddColumn("preset").AddColumn("kind").AddColumn("settings").AddColumn("for");
        foreach (var preset in NodePresets.All(config))
            table.AddRow(Markup.Escape(preset.Name), preset.BuiltIn ? "built-in" : "user", Markup.Escape(NodePresets.Describe(preset.Settings)),
                Markup.Escape(preset.Description));
        return table;
    }

    /// <summary>Every preset as JSON: name, built_in, description and its settings under their config keys.</summary>
    public static string PresetJson(NodeConfig config)
    {
        var array = new JsonArray();
        foreach (var preset in NodePresets.All(config))
        {
            array.Add(new JsonObject
            {
                ["name"] = preset.Name,
                ["built_in"] = preset.BuiltIn,
                ["description"] = preset.Description,
                ["settings"] = JsonNode.Parse(JsonSerializer.Serialize(preset.Settings, NodeConfig.Json)),
            });
        }
        return array.ToJsonString(NodeConfig.Json);
    }

    private static string Pairs(SortedDictionary<string, string>? pairs, string separator) =>
        pairs is { Count: > 0 } ? string.Join(", ", pairs.Select(p => p.Key + separator + p.Value)) : "none";
}
