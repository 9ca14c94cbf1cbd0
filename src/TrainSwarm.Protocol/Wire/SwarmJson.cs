using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrainSwarm.Protocol.Wire;

/// <summary>The one JSON shape used on the wire and in stored records: camelCase, enums as strings, no nulls written.</summary>
public static class SwarmJson
{
    /// <summary>Options shared by the coordinator, the client and the daemons.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Serializes with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Serializes to UTF-8 with <see cref="Options"/>.</summary>
    public static byte[] SerializeToUtf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Deserializes with <see cref="Options"/>; throws <see cref="JsonException"/> on malformed input or a null document.</summary>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("the document is null");

    /// <summary>Deserializes UTF-8 with <see cref="Options"/>.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8, Options) ?? throw new JsonException("the document is null");

    /// <summary>
    /// Options for reading what a client sent: as <see cref="Options"/>, but a member the type does not have is an error,
    /// so a misspelt or foreign field is refused with a 400 instead of silently dropped (a body of only unknown fields
    /// once priced as the default spec). Stored records keep the lenient <see cref="Options"/>, so old rows still load.
    /// </summary>
    public static JsonSerializerOptions RequestOptions { get; } = Create(strict: true);

    /// <summary>Deserializes a request body with <see cref="RequestOptions"/>; throws <see cref="JsonException"/> on anything wrong.</summary>
    public static T DeserializeRequest<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8, RequestOptions) ?? throw new JsonException("the document is null");

    private static JsonSerializerOptions Create(bool strict = false)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
            UnmappedMemberHandling = strict ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
