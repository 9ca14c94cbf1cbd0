using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TrainSwarm.Protocol.Wire;
using YamlDotNet.Core;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>
/// Reads a job spec file, YAML or JSON (by extension, or by its first character for stdin and other names), through one
/// path: YAML becomes a JSON tree, every spec is deserialized by the wire JSON options and checked by
/// <see cref="JobSpecRules"/>, so a YAML spec and its JSON twin are the same spec (the same quote digest).
/// </summary>
internal static class JobSpecFile
{
    /// <summary>What the user calls the spec when it comes from standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>
    /// camelCase field names of <see cref="JobSpec"/>: anything else in a spec file is a typo worth refusing. Computed properties
    /// (<c>[JsonIgnore]</c>, such as the replay share in effect) are not fields a file can set.
    /// </summary>
    private static readonly HashSet<string> Fields = typeof(JobSpec).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null)
        .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);

    // The fields only a job of another kind sets: an image spec's unknown-field message lists its own kind's fields, an rl spec's all.
    private static readonly string[] KindFields = ["kind", "rl"];

    /// <summary>Reads and parses the spec at <paramref name="path"/> ("-": <paramref name="stdin"/>); fields are checked later, after flags.</summary>
    public static ParsedSpec Read(string path, TextReader stdin)
    {
        string text;
        try
        {
            text = path == StandardInput ? stdin.ReadToEnd() : File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the spec file {path}: {e.Message}");
        }
        var name = path == StandardInput ? "<stdin>" : path;
        return IsYaml(path, text) ? FromYaml(name, text) : FromJson(name, text);
    }

    /// <summary>.yaml/.yml is YAML, .json is JSON; anything else (stdin) is JSON when it starts with '{', else YAML.</summary>
    internal static bool IsYaml(string path, string text) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".yaml" or ".yml" => true,
        ".json" => false,
        _ => !text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{'),
    };

    private static ParsedSpec FromYaml(string name, string text)
    {
        var converter = new YamlToJson();
        JsonNode? tree;
        try
        {
            tree = converter.Convert(text);
        }
        catch (YamlException e)
        {
            // YamlDotNet's messages carry their own "(Line: …)" prefix; ours says file:line:column once, like a compiler.
            var message = e.InnerException?.Message ?? e.Message;
            var bare = System.Text.RegularExpressions.Regex.Replace(message, @"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ", "");
            throw new CliException($"the spec file is not valid YAML: {name}:{e.Start.Line}:{e.Start.Column}: {bare}", SwarmApp.BadUsage);
        }
        return FromTree(name, tree, path => converter.Positions.TryGetValue(path, out var mark) ? $"{name}:{mark.Line}:{mark.Column}" : null);
    }

    private static ParsedSpec FromJson(string name, string text)
    {
        JsonNode? tree;
        try
        {
            tree = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CliException($"the spec file {name} is not a valid job spec: {e.Message}", SwarmApp.BadUsage);
        }
        return FromTree(name, tree, _ => null);
    }

    private static ParsedSpec FromTree(string name, JsonNode? tree, Func<string, string?> where)
    {
        if (tree is not JsonObject fields)
            throw new CliException($"the spec file {name} is not a valid job spec: it must be a mapping of fields such as rounds: 5", SwarmApp.BadUsage);
        var listed = fields.ContainsKey("kind") ? Fields : Fields.Except(KindFields, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, _) in fields)
            if (!Fields.Contains(key))
                throw new CliException($"the spec file {name} has an unknown field '{key}'{At(where($"$.{key}"))}; the fields are " +
                    $"{string.Join(", ", listed.Order(StringComparer.Ordinal))}",
                    SwarmApp.BadUsage);
        try
        {
            // The same deserializer the coordinator uses: a YAML spec and its JSON twin become the same JobSpec.
            return new ParsedSpec(name, SwarmJson.Deserialize<JobSpec>(Encoding.UTF8.GetBytes(fields.ToJsonString())), where);
        }
        catch (JsonException e)
        {
            var field = e.Path is { } p ? p.TrimStart('$', '.') : "";
            var reason = $"{(field.Length > 0 ? field : "a field")} has the wrong type{At(e.Path is null ? null : where(e.Path))}";
            throw new CliException($"the spec file {name} is not a valid job spec: {reason} ({FirstSentence(e.Message)})", SwarmApp.BadUsage);
        }
    }

    private static string At(string? location) => location is null ? "" : $" at {location}";

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0].TrimEnd('.');
}

/// <summary>A spec read from a file (or stdin), before flags override it; <see cref="Where"/> locates a field ("$.rounds") in the file.</summary>
internal sealed record ParsedSpec(string Name, JobSpec Spec, Func<string, string?> Where);
