namespace TrainSwarm.Nn.Serialization;

/// <summary>The element types we read and write; names as they appear in a safetensors header.</summary>
public enum SafeTensorsDtype
{
    /// <summary>IEEE-754 float32: weights, gradients, updates.</summary>
    F32,

    /// <summary>Signed 8-bit integer: int8-quantized updates.</summary>
    I8,

    /// <summary>Signed 32-bit integer.</summary>
    I32,

    /// <summary>Signed 64-bit integer: PyTorch's default for class targets.</summary>
    I64,
}

/// <summary>Header names and element sizes of <see cref="SafeTensorsDtype"/>.</summary>
public static class SafeTensorsDtypes
{
    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static int SizeOf(SafeTensorsDtype dtype) => dtype switch
    {
        SafeTensorsDtype.F32 => 4,
        SafeTensorsDtype.I8 => 1,
        SafeTensorsDtype.I32 => 4,
        SafeTensorsDtype.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The header spelling of <paramref name="dtype"/> ("F32", "I8", ...).</summary>
    public static string HeaderName(SafeTensorsDtype dtype) => dtype switch
    {
        SafeTensorsDtype.F32 => "F32",
        SafeTensorsDtype.I8 => "I8",
        SafeTensorsDtype.I32 => "I32",
        SafeTensorsDtype.I64 => "I64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>Parses a header dtype name; false for names we do not support (F16, BF16, U8, ...).</summary>
    public static bool TryParse(string name, out SafeTensorsDtype dtype)
    {
        switch (name)
        {
            case "F32": dtype = SafeTensorsDtype.F32; return true;
            case "I8": dtype = SafeTensorsDtype.I8; return true;
            case "I32": dtype = SafeTensorsDtype.I32; return true;
            case "I64": dtype = SafeTensorsDtype.I64; return true;
            default: dtype = default; return false;
        }
    }
}
