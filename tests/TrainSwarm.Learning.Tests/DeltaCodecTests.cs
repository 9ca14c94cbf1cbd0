using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Tests;

public class DeltaCodecTests(ITestOutputHelper log)
{
    private static List<NamedArray> RandomDelta(ulong seed, int rows = 100, int cols = 100)
    {
        var rng = new Rng(seed);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => rng.Normal() * 0.01f).ToArray();
        return [NamedArray.F32("1.weight", Values(rows * cols), rows, cols), NamedArray.F32("1.bias", Values(rows), rows)];
    }

    private static IEnumerable<(NamedArray Original, NamedArray Decoded)> Paired(List<NamedArray> original, List<NamedArray> decoded) =>
        original.Select(o => (o, decoded.Single(d => d.Name == o.Name)));

    [Fact]
    public void F32_round_trips_exactly()
    {
        var delta = RandomDelta(1);
        var decoded = DeltaCodec.Decode(DeltaCodec.Encode(delta, "f32"), out var encoding);
        Assert.Equal("f32", encoding);
        // Safetensors files list tensors in their own order; names, not positions, pair them up.
        Assert.Equal(delta.Select(d => d.Name).Order(), decoded.Select(d => d.Name).Order());
        foreach (var (a, b) in Paired(delta, decoded))
        {
            Assert.Equal(a.Shape, b.Shape);
            Assert.Equal(a.AsF32(), b.AsF32());
        }
    }

    [Fact]
    public void Int8_errs_by_at_most_half_a_scale_step_per_element()
    {
        var delta = RandomDelta(2);
        var decoded = DeltaCodec.Decode(DeltaCodec.Encode(delta, "int8"), out var encoding);
        Assert.Equal("int8", encoding);
        Assert.Equal(delta.Count, decoded.Count);
        foreach (var (a, b) in Paired(delta, decoded))
        {
            Assert.Equal(a.Shape, b.Shape);
            var values = a.AsF32();
            var scale = values.Max(MathF.Abs) / 127f;
            // Tolerance: scale/2, plus a few float32 ulps for the divide and multiply.
            var tolerance = scale / 2 * (1 + 1e-5f);
            var worst = values.Zip(b.AsF32(), (x, y) => MathF.Abs(x - y)).Max();
            log.WriteLine($"{a.Name}: worst error {worst:E3}, scale {scale:E3}, tolerance {tolerance:E3}");
            Assert.True(worst <= tolerance, $"{a.Name}: worst error {worst} > {tolerance}");
        }
    }

    [Fact]
    public void Int8_scales_by_the_largest_magnitude_even_when_that_value_is_negative()
    {
        // TensorPrimitives.MaxMagnitude returns the signed value (-2 here); a scale taken from it without Math.Abs
        // fell back to 1, and 0.5 and 1.0 then decoded as 0 and 1.
        float[] values = [-2.0f, 0.5f, 1.0f];
        var decoded = DeltaCodec.Decode(DeltaCodec.Encode([NamedArray.F32("w", values, 3)], "int8"), out var encoding);
        Assert.Equal("int8", encoding);
        var scale = 2.0f / 127f;
        var tolerance = scale / 2 * (1 + 1e-5f);
        var actual = Assert.Single(decoded).AsF32();
        for (var i = 0; i < values.Length; i++)
            Assert.True(MathF.Abs(values[i] - actual[i]) <= tolerance, $"element {i}: {values[i]} decoded as {actual[i]} (tolerance {tolerance})");
        Assert.Equal(-2.0f, actual[0], 1e-6f);
    }

    [Fact]
    public void Int8_is_about_four_times_smaller()
    {
        var delta = RandomDelta(3, 300, 300);
        var f32 = DeltaCodec.Encode(delta, "f32").Length;
        var int8 = DeltaCodec.Encode(delta, "int8").Length;
        var ratio = (double)f32 / int8;
        log.WriteLine($"f32 {f32} bytes, int8 {int8} bytes, ratio {ratio:F2}");
        Assert.InRange(ratio, 3.8, 4.0);
    }

    [Fact]
    public void An_all_zero_tensor_survives_int8()
    {
        var decoded = DeltaCodec.Decode(DeltaCodec.Encode([NamedArray.F32("w", new float[5], 5)], "int8"), out _);
        Assert.Equal(new float[5], decoded[0].AsF32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void An_int8_update_without_a_valid_scale_is_invalid_data(string? scale)
    {
        var metadata = new Dictionary<string, string> { ["encoding"] = "int8" };
        if (scale is not null)
            metadata["scale.w"] = scale;
        var bytes = SafeTensorsWriter.ToBytes([NamedArray.I8("w", [1, -2, 3], 3)], metadata);
        Assert.Throws<InvalidDataException>(() => DeltaCodec.Decode(bytes, out _));
    }

    [Fact]
    public void A_dtype_that_does_not_match_the_encoding_is_invalid_data()
    {
        var i8InF32 = SafeTensorsWriter.ToBytes([NamedArray.I8("w", [1], 1)], new Dictionary<string, string> { ["encoding"] = "f32" });
        Assert.Throws<InvalidDataException>(() => DeltaCodec.Decode(i8InF32, out _));
        var f32InInt8 = SafeTensorsWriter.ToBytes([NamedArray.F32("w", [1f], 1)], new Dictionary<string, string> { ["encoding"] = "int8", ["scale.w"] = "1" });
        Assert.Throws<InvalidDataException>(() => DeltaCodec.Decode(f32InInt8, out _));
        var i32 = SafeTensorsWriter.ToBytes([NamedArray.I32("w", [1], 1)]);
        Assert.Throws<InvalidDataException>(() => DeltaCodec.Decode(i32, out _));
        var unknown = SafeTensorsWriter.ToBytes([NamedArray.F32("w", [1f], 1)], new Dictionary<string, string> { ["encoding"] = "fp4" });
        Assert.Throws<InvalidDataException>(() => DeltaCodec.Decode(unknown, out _));
    }

    [Fact]
    public void Garbage_bytes_and_unknown_encodings_are_refused()
    {
        Assert.Throws<SafeTensorsFormatException>(() => DeltaCodec.Decode(new byte[] { 1, 2, 3 }, out _));
        Assert.Throws<ArgumentException>(() => DeltaCodec.Encode(RandomDelta(4, 2, 2), "fp16"));
    }

    [Fact]
    public void Difference_refuses_mismatched_weight_sets()
    {
        var a = RandomDelta(5, 2, 2);
        Assert.Throws<ArgumentException>(() => DeltaCodec.Difference(a, a.Take(1).ToList()));
        Assert.Throws<ArgumentException>(() => DeltaCodec.Difference(a, [NamedArray.F32("x", new float[4], 2, 2), a[1]]));
        Assert.Throws<ArgumentException>(() => DeltaCodec.Difference(a, [NamedArray.F32("1.weight", new float[4], 4), a[1]]));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("int8")]
    public void MatchesInPlace_accepts_the_encoded_difference_and_nothing_else(string encoding)
    {
        // The validator's chain-end check: trained − base, encoded, must be the upload byte for byte.
        var trained = RandomDelta(6);
        var baseWeights = RandomDelta(7);
        var update = DeltaCodec.Encode(DeltaCodec.Difference(trained, baseWeights), encoding);
        List<NamedArray> Copy() => trained.Select(t => NamedArray.F32(t.Name, (float[])t.AsF32().Clone(), [.. t.Shape])).ToList();
        var mine = Copy();
        Assert.True(DeltaCodec.MatchesInPlace(mine, baseWeights, encoding, update));
        // The weights handed in now hold the delta itself.
        Assert.Equal(DeltaCodec.Difference(trained, baseWeights).Select(d => d.AsF32()), mine.Select(d => d.AsF32()));

        if (encoding == "f32")
        {
            // One weight one ulp off (int8 would round it away).
            var off = Copy();
            off[1].AsF32()[3] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(off[1].AsF32()[3]) ^ 1);
            Assert.False(DeltaCodec.MatchesInPlace(off, baseWeights, encoding, update));
        }
        var flipped = (byte[])update.Clone();
        flipped[^1] ^= 1;
        Assert.False(DeltaCodec.MatchesInPlace(Copy(), baseWeights, encoding, flipped));
        Assert.False(DeltaCodec.MatchesInPlace(Copy(), baseWeights, encoding == "f32" ? "int8" : "f32", update));
        Assert.Throws<ArgumentException>(() => DeltaCodec.MatchesInPlace(Copy(), baseWeights.Take(1).ToList(), encoding, update));
    }
}
