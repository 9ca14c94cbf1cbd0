using System.Buffers.Binary;
using System.Text;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Nn.Tests.Serialization;

public class SafeTensorsRoundTripTests
{
    // Values whose bits are easy to lose: signed zero, NaN payloads, infinities, subnormals, extremes.
    private static readonly float[] Awkward =
    [
        0f, -0f, 1f, -1.5f, float.Epsilon, -float.Epsilon, 1e-40f, float.MaxValue, float.MinValue,
        float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7fc00001),
        BitConverter.Int32BitsToSingle(unchecked((int)0xffa00000)), 3.14159265f,
    ];

    private static NamedArray[] Sample() =>
    [
        NamedArray.F32("0.weight", Awkward[..12], 3, 4),
        NamedArray.F32("0.bias", Awkward[12..], 2),
        NamedArray.F32("loss", [2.5f]),
        NamedArray.F32("empty", [], 0, 3),
        NamedArray.I8("q.weight", [sbyte.MinValue, -1, 0, 1, sbyte.MaxValue], 5),
        NamedArray.I32("counts", [int.MinValue, -7, 0, int.MaxValue], 2, 2),
        NamedArray.I64("targets", [long.MinValue, -3, 9, long.MaxValue], 4),
    ];

    [Fact]
    public void Matches_accepts_exactly_the_bytes_the_writer_produces()
    {
        var meta = new Dictionary<string, string> { ["encoding"] = "f32" };
        var bytes = SafeTensorsWriter.ToBytes(Sample(), meta);
        Assert.True(SafeTensorsWriter.Matches(Sample(), bytes, meta));
        // One flipped bit anywhere (header or data), a byte missing or one too many, or other metadata: no match.
        foreach (var at in new[] { 0, 8, 20, bytes.Length / 2, bytes.Length - 1 })
        {
            var flipped = (byte[])bytes.Clone();
            flipped[at] ^= 1;
            Assert.False(SafeTensorsWriter.Matches(Sample(), flipped, meta), $"bit flipped at byte {at}");
        }
        Assert.False(SafeTensorsWriter.Matches(Sample(), bytes.AsMemory(0, bytes.Length - 1), meta));
        Assert.False(SafeTensorsWriter.Matches(Sample(), bytes.Concat(new byte[] { 0 }).ToArray(), meta));
        Assert.False(SafeTensorsWriter.Matches(Sample(), bytes));
    }

    [Fact]
    public void Round_trip_is_bitwise()
    {
        var meta = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\" <tag>" };
        SafeTensorsFile file = SafeTensorsReader.Read(SafeTensorsWriter.ToBytes(Sample(), meta));

        Assert.Equal(meta, file.Metadata);
        foreach (NamedArray expected in Sample())
        {
            NamedArray actual = file[expected.Name];
            Assert.Equal(expected.Dtype, actual.Dtype);
            Assert.Equal(expected.Shape, actual.Shape);
            switch (expected.Dtype)
            {
                case SafeTensorsDtype.F32:
                    Assert.Equal(expected.AsF32().Select(BitConverter.SingleToInt32Bits), actual.AsF32().Select(BitConverter.SingleToInt32Bits));
                    break;
                case SafeTensorsDtype.I8: Assert.Equal(expected.AsI8(), actual.AsI8()); break;
                case SafeTensorsDtype.I32: Assert.Equal(expected.AsI32(), actual.AsI32()); break;
                case SafeTensorsDtype.I64: Assert.Equal(expected.AsI64(), actual.AsI64()); break;
            }
        }
        Assert.Empty(file["loss"].Shape);
        Assert.Equal(1, file["loss"].ElementCount);
    }

    [Fact]
    public void The_streamed_hash_and_length_are_those_of_the_bytes_and_the_stream_write_matches_them()
    {
        var meta = new Dictionary<string, string> { ["format"] = "pt" };
        foreach (var metadata in new[] { null, meta })
        {
            byte[] bytes = SafeTensorsWriter.ToBytes(Sample(), metadata);
            using var stream = new MemoryStream();
            SafeTensorsWriter.Write(stream, Sample(), metadata);
            Assert.Equal(stream.ToArray(), bytes);
            Assert.Equal(bytes.LongLength, SafeTensorsWriter.ByteLength(Sample(), metadata));
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), SafeTensorsWriter.Sha256Hex(Sample(), metadata));
        }
    }

    [Fact]
    public void Bytes_are_deterministic_aligned_and_ordered_by_element_size_then_name()
    {
        byte[] a = SafeTensorsWriter.ToBytes(Sample());
        byte[] b = SafeTensorsWriter.ToBytes(Sample().Reverse().ToArray());
        Assert.Equal(a, b);

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(a);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(a, 8, (int)headerLength);
        Assert.EndsWith("}", header.TrimEnd(' '));

        SafeTensorsFile file = SafeTensorsReader.Read(a);
        Assert.Equal(["targets", "0.bias", "0.weight", "counts", "empty", "loss", "q.weight"], file.Names);
    }

    [Fact]
    public void Without_metadata_there_is_no_metadata_key()
    {
        byte[] bytes = SafeTensorsWriter.ToBytes([NamedArray.F32("w", [1f], 1)]);
        Assert.DoesNotContain("__metadata__", Encoding.UTF8.GetString(bytes));
        Assert.Empty(SafeTensorsReader.Read(bytes).Metadata);
    }

    [Fact]
    public void File_write_is_atomic_and_reads_back()
    {
        string dir = Directory.CreateTempSubdirectory("ts-st-").FullName;
        try
        {
            string path = Path.Combine(dir, "model.safetensors");
            File.WriteAllText(path, "old");
            SafeTensorsWriter.WriteFile(path, Sample());
            Assert.Equal(SafeTensorsWriter.ToBytes(Sample()), File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir));
            Assert.Equal(7, SafeTensorsReader.Read(path).Tensors.Count);
            using FileStream fs = File.OpenRead(path);
            Assert.Equal(7, SafeTensorsReader.Read(fs).Tensors.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Writer_refuses_bad_input()
    {
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.ToBytes([NamedArray.F32("w", [1f], 1), NamedArray.F32("w", [2f], 1)]));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.ToBytes([NamedArray.F32("__metadata__", [1f], 1)]));
        var e = Assert.Throws<ArgumentException>(() => NamedArray.F32("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("needs 4 elements, data has 3", e.Message);
    }

    [Fact]
    public void Wrong_dtype_wrong_shape_and_missing_name_are_clear_errors()
    {
        SafeTensorsFile file = SafeTensorsReader.Read(SafeTensorsWriter.ToBytes(Sample()));
        var dtype = Assert.Throws<SafeTensorsFormatException>(() => file["targets"].AsF32());
        Assert.Equal("tensor 'targets' is I64, expected F32", dtype.Message);
        var shape = Assert.Throws<SafeTensorsFormatException>(() => file["0.weight"].EnsureShape(4, 3));
        Assert.Equal("tensor '0.weight' has shape [3,4], expected [4,3]", shape.Message);
        file["0.weight"].EnsureShape(3, 4);
        var missing = Assert.Throws<SafeTensorsFormatException>(() => file["1.weight"]);
        Assert.Contains("'1.weight'", missing.Message);
        Assert.False(file.TryGet("1.weight", out _));
    }
}
