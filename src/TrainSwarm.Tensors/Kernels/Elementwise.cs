using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TrainSwarm.Tensors.Kernels;

/// <summary>An element-wise binary operator with a scalar and a vector form (the TensorPrimitives pattern).</summary>
public interface IBinaryOperator
{
    static abstract float Invoke(float a, float b);
    static abstract Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
}

/// <summary>An element-wise unary operator with a scalar and a vector form.</summary>
public interface IUnaryOperator
{
    static abstract float Invoke(float x);
    static abstract Vector256<float> Invoke(Vector256<float> x);
}

/// <summary>The vectorized driver loops every element-wise operator runs through.</summary>
public static class Elementwise
{
    /// <summary>dst = op(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> dst) where TOp : IUnaryOperator
    {
        if (x.Length != dst.Length) throw new ArgumentException("element-wise operands differ in length");
        int i = 0;
        ref float rx = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float rd = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dst);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                TOp.Invoke(Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        for (; i < x.Length; i++) Unsafe.Add(ref rd, i) = TOp.Invoke(Unsafe.Add(ref rx, i));
    }

    /// <summary>dst = op(a, b), or dst += op(a, b) when <paramref name="accumulate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, bool accumulate = false)
        where TOp : IBinaryOperator
    {
        if (a.Length != b.Length || a.Length != dst.Length) throw new ArgumentException("element-wise operands differ in length");
        int i = 0;
        ref float ra = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a);
        ref float rb = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b);
        ref float rd = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dst);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var r = TOp.Invoke(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i));
                if (accumulate) r += Vector256.LoadUnsafe(ref rd, (nuint)i);
                r.StoreUnsafe(ref rd, (nuint)i);
            }
        }
        for (; i < a.Length; i++)
        {
            float r = TOp.Invoke(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
            Unsafe.Add(ref rd, i) = accumulate ? Unsafe.Add(ref rd, i) + r : r;
        }
    }
}

/// <summary>ReLU: x below 0 becomes 0; NaN stays NaN, as in PyTorch.</summary>
public readonly struct ReluOperator : IUnaryOperator
{
    public static float Invoke(float x) => x < 0 ? 0f : x;
    public static Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);
}

/// <summary>ReLU backward from the output: dy where y > 0, else 0. Operands: (y, dy).</summary>
public readonly struct ReluGradOperator : IBinaryOperator
{
    public static float Invoke(float y, float dy) => y > 0 ? dy : 0f;
    public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), dy, Vector256<float>.Zero);
}

/// <summary>Tanh backward from the output: dy * (1 - y²). Operands: (y, dy).</summary>
public readonly struct TanhGradOperator : IBinaryOperator
{
    public static float Invoke(float y, float dy) => dy * (1f - y * y);
    public static Vector256<float> Invoke(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);
}

/// <summary>a * b.</summary>
public readonly struct MultiplyOperator : IBinaryOperator
{
    public static float Invoke(float a, float b) => a * b;
    public static Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * b;
}
