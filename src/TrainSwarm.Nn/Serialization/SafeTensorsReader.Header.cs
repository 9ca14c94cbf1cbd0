using System.Text.Json;

namespace TrainSwarm.Nn.Serialization;

public static partial class SafeTensorsReader
{
    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(ReadOnlySpan<byte> header)
    {
        JsonDocument doc;
        try
        {
            // A header is flat; a small depth limit refuses pathological nesting early.
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 8 });
            doc = JsonDocument.ParseValue(ref reader);
            if (reader.Read()) throw new SafeTensorsFormatException("header has content after its JSON object");
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"header is not valid JSON: {e.Message}", e);
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SafeTensorsFormatException($"header must be a JSON object, found {root.ValueKind}");
            }
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in root.EnumerateObject())
            {
                // JSON objects may repeat a key; the format may not, or two readers could see different tensors.
                if (!seen.Add(p.Name)) throw new SafeTensorsFormatException($"header names '{p.Name}' twice");
                if (p.Name == SafeTensorsWriter.MetadataKey) ReadMetadata(p.Value, metadata);
                else entries.Add(ReadEntry(p.Name, p.Value));
            }
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException($"'{SafeTensorsWriter.MetadataKey}' must be an object of strings, found {value.ValueKind}");
        }
        foreach (JsonProperty m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafeTensorsFormatException($"metadata '{m.Name}' must be a string, found {m.Value.ValueKind}");
            }
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
            {
                throw new SafeTensorsFormatException($"metadata names '{m.Name}' twice");
            }
        }
    }

    // Unknown extra fields are ignored, as the reference implementation does; the three known ones are required.
    private static Entry ReadEntry(string name, JsonElement value)
    {
        if (name.Length == 0) throw new SafeTensorsFormatException("a tensor has an empty name");
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException($"tensor '{name}': entry must be an object, found {value.ValueKind}");
        }
        JsonElement dtypeJson = Field(name, value, "dtype", JsonValueKind.String);
        string dtypeName = dtypeJson.GetString()!;
        if (!SafeTensorsDtypes.TryParse(dtypeName, out SafeTensorsDtype dtype))
        {
            throw new SafeTensorsFormatException($"tensor '{name}': unsupported dtype '{dtypeName}' (supported: F32, I8, I32, I64)");
        }

        JsonElement shapeJson = Field(name, value, "shape", JsonValueKind.Array);
        var shape = new int[shapeJson.GetArrayLength()];
        int i = 0;
        foreach (JsonElement d in shapeJson.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
            {
                throw new SafeTensorsFormatException($"tensor '{name}': shape entries must be non-negative integers, found {d.GetRawText()}");
            }
            shape[i++] = dim;
        }

        JsonElement offsetsJson = Field(name, value, "data_offsets", JsonValueKind.Array);
        if (offsetsJson.GetArrayLength() != 2)
        {
            throw new SafeTensorsFormatException($"tensor '{name}': data_offsets must be [begin, end], found {offsetsJson.GetRawText()}");
        }
        long begin = Offset(name, offsetsJson[0]);
        long end = Offset(name, offsetsJson[1]);
        if (end < begin)
        {
            throw new SafeTensorsFormatException($"tensor '{name}': data_offsets [{begin},{end}] end before they begin");
        }

        try
        {
            long count = NamedArray.ElementCountOf(shape);
            long bytes = checked(count * SafeTensorsDtypes.SizeOf(dtype));
            if (bytes != end - begin)
            {
                throw new SafeTensorsFormatException(
                    $"tensor '{name}': shape [{string.Join(",", shape)}] of {dtypeName} needs {bytes} bytes, data_offsets give {end - begin}");
            }
        }
        catch (OverflowException)
        {
            throw new SafeTensorsFormatException($"tensor '{name}': shape [{string.Join(",", shape)}] is too large");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static JsonElement Field(string name, JsonElement entry, string field, JsonValueKind kind)
    {
        if (!entry.TryGetProperty(field, out JsonElement v))
        {
            throw new SafeTensorsFormatException($"tensor '{name}': missing field '{field}'");
        }
        if (v.ValueKind != kind)
        {
            throw new SafeTensorsFormatException($"tensor '{name}': field '{field}' must be {kind}, found {v.ValueKind}");
        }
        return v;
    }

    private static long Offset(string name, JsonElement e)
    {
        // Offsets must also fit an int index into the byte span; files above 2 GB are out of scope here.
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long v) || v < 0 || v > int.MaxValue)
        {
            throw new SafeTensorsFormatException($"tensor '{name}': data_offsets must be non-negative integers, found {e.GetRawText()}");
        }
        return v;
    }
}
