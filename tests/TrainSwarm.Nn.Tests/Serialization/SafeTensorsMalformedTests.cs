using System.Buffers.Binary;
using System.Text;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Nn.Tests.Serialization;

public class SafeTensorsMalformedTests
{
    // Builds a file from a literal header and data section, so each test breaks exactly one rule.
    private static byte[] File(string header, int dataBytes, long? declaredLength = null)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, declaredLength ?? h.Length);
        h.CopyTo(bytes, 8);
        return bytes;
    }

    private const string Good = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I8","shape":[3],"data_offsets":[8,11]}}""";

    public static TheoryData<string, byte[], string> Cases => new()
    {
        { "empty file", [], "shorter than the 8-byte header length" },
        { "7 bytes", new byte[7], "shorter than the 8-byte header length" },
        { "header past end", File(Good, 11, declaredLength: 500), "runs past the end of the file" },
        { "absurd header", File(Good, 11, declaredLength: 1L << 40), "exceeds the 100000000-byte limit" },
        { "not json", File("{\"a\": ", 0), "not valid JSON" },
        { "trailing json", File("{} {}", 0), "not valid JSON" },
        { "array", File("[1,2]", 0), "must be a JSON object" },
        { "entry not object", File("""{"a":3}""", 0), "entry must be an object" },
        { "missing dtype", File("""{"a":{"shape":[2],"data_offsets":[0,8]}}""", 8), "missing field 'dtype'" },
        { "missing shape", File("""{"a":{"dtype":"F32","data_offsets":[0,8]}}""", 8), "missing field 'shape'" },
        { "missing offsets", File("""{"a":{"dtype":"F32","shape":[2]}}""", 8), "missing field 'data_offsets'" },
        { "dtype not string", File("""{"a":{"dtype":4,"shape":[2],"data_offsets":[0,8]}}""", 8), "field 'dtype' must be String" },
        { "unknown dtype", File("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 4), "unsupported dtype 'F16'" },
        { "negative dim", File("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8), "non-negative integers" },
        { "fractional dim", File("""{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""", 8), "non-negative integers" },
        { "three offsets", File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}""", 8), "must be [begin, end]" },
        { "reversed offsets", File("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}""", 8), "end before they begin" },
        { "shape vs offsets", File("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8), "needs 12 bytes, data_offsets give 8" },
        { "huge shape", File("""{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}""", 8), "too large" },
        { "truncated data", File(Good, 10), "run past the data section (10 bytes; truncated?)" },
        { "trailing data", File(Good, 12), "data section is 12 bytes but the tensors cover 11" },
        { "overlap", File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8), "overlap" },
        {
            "gap",
            File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12),
            "leave a gap after byte 4"
        },
        {
            "duplicate name",
            File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8),
            "names 'a' twice"
        },
        { "metadata not object", File("""{"__metadata__":"x"}""", 0), "must be an object of strings" },
        { "metadata not string", File("""{"__metadata__":{"k":1}}""", 0), "metadata 'k' must be a string" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Malformed_file_is_rejected_with_a_clear_message(string name, byte[] bytes, string problem)
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsReader.Read(bytes));
        Assert.True(e.Message.Contains(problem, StringComparison.Ordinal), $"{name}: '{e.Message}' does not say '{problem}'");
    }

    [Fact]
    public void The_well_formed_base_case_is_accepted()
    {
        // Guards the theory above: each case must fail because of its one change, not because the base is bad.
        SafeTensorsFile file = SafeTensorsReader.Read(File(Good, 11));
        Assert.Equal(["a", "b"], file.Names);
    }

    [Fact]
    public void Truncating_a_real_file_anywhere_is_rejected()
    {
        byte[] good = SafeTensorsWriter.ToBytes([NamedArray.F32("w", [1f, 2f, 3f], 3), NamedArray.I64("t", [1, 2], 2)]);
        for (int cut = 0; cut < good.Length; cut++)
        {
            Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsReader.Read(good.AsSpan(0, cut)));
        }
    }

    [Fact]
    public void Errors_from_a_path_name_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ts-bad-{Guid.NewGuid():N}.safetensors");
        System.IO.File.WriteAllBytes(path, File(Good, 10));
        try
        {
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsReader.Read(path));
            Assert.StartsWith(path + ": ", e.Message);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
