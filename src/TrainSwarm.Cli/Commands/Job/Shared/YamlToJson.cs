using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>
/// Turns one YAML document into a JSON tree, so a YAML job spec goes through exactly the JSON path (and its rules) that a
/// JSON spec does. Remembers where each value came from, so later errors about a field can name its line and column.
/// </summary>
internal sealed class YamlToJson
{
    /// <summary>Where each value (for a mapping entry: its key) started, by JSON path ("$.rounds", "$.layers[2]").</summary>
    public Dictionary<string, Mark> Positions { get; } = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="text"/>; throws <see cref="YamlException"/> (with its position) on a syntax error.</summary>
    public JsonNode? Convert(string text)
    {
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        if (parser.TryConsume<StreamEnd>(out _))
            return new JsonObject(); // an empty file: every field keeps its default
        parser.Consume<DocumentStart>();
        var root = Read(parser, "$");
        parser.Consume<DocumentEnd>();
        if (parser.Accept<DocumentStart>(out var next))
            throw new YamlException(next.Start, next.End, "a job spec is one YAML document; remove the second '---' document");
        return root;
    }

    private JsonNode? Read(IParser parser, string path)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of the YAML document");
        Positions.TryAdd(path, current.Start); // a mapping's value keeps its key's position: messages point at the key
        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                return FromScalar(scalar);
            case SequenceStart:
            {
                parser.MoveNext();
                var array = new JsonArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                    array.Add(Read(parser, $"{path}[{array.Count}]"));
                return array;
            }
            case MappingStart:
            {
                parser.MoveNext();
                var map = new JsonObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = parser.Consume<Scalar>();
                    if (map.ContainsKey(key.Value))
                        throw new YamlException(key.Start, key.End, $"'{key.Value}' appears twice");
                    Positions[$"{path}.{key.Value}"] = key.Start;
                    map[key.Value] = Read(parser, $"{path}.{key.Value}");
                }
                return map;
            }
            default:
                // Anchors and aliases, tags on collections: nothing a job spec needs, and refusing them keeps the mapping exact.
                throw new YamlException(current.Start, current.End, $"unsupported YAML here ({current.GetType().Name}); write plain keys and values");
        }
    }

    /// <summary>
    /// YAML 1.2 core schema for plain scalars (null, booleans, integers, floats); quoted scalars are always text, so
    /// <c>name: "5"</c> stays a string.
    /// </summary>
    private static JsonNode? FromScalar(Scalar scalar)
    {
        var text = scalar.Value;
        if (scalar.Style is not ScalarStyle.Plain)
            return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var large))
            return JsonValue.Create(large);
        if (text.Any(char.IsAsciiDigit) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            return JsonValue.Create(real);
        return JsonValue.Create(text);
    }
}
