using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// One NumPy <c>.npy</c> array: magic <c>\x93NUMPY</c>, version, a header dict (<c>descr</c>, <c>fortran_order</c>,
/// <c>shape</c>), then the elements in C order. Only the dtypes datasets use are read: u1, i1, little-endian i2/i4/i8,
/// u2/u4, f4, f8; every value is widened to double.
/// </summary>
public sealed partial record NpyArray(int[] Shape, string Dtype, double[] Values)
{
    /// <summary>The element count, the product of <see cref="Shape"/>.</summary>
    public long Count => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>True for an integer dtype.</summary>
    public bool IsInteger => Dtype[1] is 'u' or 'i';

    /// <summary>Parses <paramref name="bytes"/>; <paramref name="source"/> names the file in errors.</summary>
    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || !bytes[1..6].SequenceEqual("NUMPY"u8))
            throw new UploadRejectedException(source, "not a .npy array (no \\x93NUMPY magic)");
        var major = bytes[6];
        int headerLength, start;
        if (major == 1)
            (headerLength, start) = (BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]), 10);
        else if (major is 2 or 3 && bytes.Length >= 12)
            (headerLength, start) = ((int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]), int.MaxValue), 12);
        else
            throw new UploadRejectedException(source, $".npy version {major} is not one of 1, 2, 3");
        if (start + headerLength > bytes.Length)
            throw new UploadRejectedException(source, "truncated: the header runs past the end of the file");
        var header = System.Text.Encoding.Latin1.GetString(bytes.Slice(start, headerLength));
        var descr = DescrPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !shape.Success)
            throw new UploadRejectedException(source, $"the header names no descr or shape: {header.Trim()}");
        if (FortranPattern().IsMatch(header))
            throw new UploadRejectedException(source, "fortran_order arrays are not supported; save it in C order");
        var dtype = descr.Groups[1].Value;
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw new UploadRejectedException(source, $"the shape ({shape.Groups[1].Value}) is not a tuple of sizes"))
            .ToArray();
        var size = ElementSize(dtype)
            ?? throw new UploadRejectedException(source, $"the dtype '{dtype}' is not supported (u1, i1, i2, i4, i8, u2, u4, f4, f8)");
        var count = dims.Aggregate(1L, (a, d) => a * d);
        if (count > Array.MaxLength)
            throw new UploadRejectedException(source, $"the shape ({string.Join(", ", dims)}) is too large");
        var data = bytes[(start + headerLength)..];
        if (data.Length != count * size)
            throw new UploadRejectedException(source, $"the shape ({string.Join(", ", dims)}) of {dtype} needs {count * size} data bytes, found {data.Length}");
        var values = new double[count];
        for (var i = 0; i < values.Length; i++)
            values[i] = Read(data.Slice(i * size, size), dtype);
        return new NpyArray(dims, dtype, values);
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "|u1" or "<u1" or "|i1" or "<i1" => 1,
        "<i2" or "<u2" => 2,
        "<i4" or "<u4" or "<f4" => 4,
        "<i8" or "<f8" => 8,
        _ => null,
    };

    private static double Read(ReadOnlySpan<byte> b, string dtype) => dtype switch
    {
        "|u1" or "<u1" => b[0],
        "|i1" or "<i1" => (sbyte)b[0],
        "<i2" => BinaryPrimitives.ReadInt16LittleEndian(b),
        "<u2" => BinaryPrimitives.ReadUInt16LittleEndian(b),
        "<i4" => BinaryPrimitives.ReadInt32LittleEndian(b),
        "<u4" => BinaryPrimitives.ReadUInt32LittleEndian(b),
        "<i8" => BinaryPrimitives.ReadInt64LittleEndian(b),
        "<f4" => BinaryPrimitives.ReadSingleLittleEndian(b),
        _ => BinaryPrimitives.ReadDoubleLittleEndian(b),
    };

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*True")]
    private static partial Regex FortranPattern();
}
