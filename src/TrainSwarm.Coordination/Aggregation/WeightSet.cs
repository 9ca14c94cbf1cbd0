using System.Numerics.Tensors;

namespace TrainSwarm.Coordination.Aggregation;

/// <summary>Arithmetic over whole weight sets (lists of tensors with the same names and shapes, in the same order).</summary>
public static class WeightSet
{
    /// <summary>The L2 norm over every element of every tensor, accumulated in double so large models do not lose digits.</summary>
    public static double Norm(IReadOnlyList<WeightTensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        double sum = 0;
        foreach (var tensor in weights)
        {
            foreach (var v in tensor.Values)
                sum += (double)v * v;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>A deep copy: same names and shapes, fresh arrays.</summary>
    public static List<WeightTensor> Clone(IReadOnlyList<WeightTensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return weights.Select(t => new WeightTensor(t.Name, (int[])t.Shape.Clone(), (float[])t.Values.Clone())).ToList();
    }

    /// <summary>Zeros with the layout of <paramref name="like"/>.</summary>
    public static List<WeightTensor> Zeros(IReadOnlyList<WeightTensor> like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return like.Select(t => new WeightTensor(t.Name, (int[])t.Shape.Clone(), new float[t.Values.Length])).ToList();
    }

    /// <summary><paramref name="target"/> += <paramref name="scale"/> × <paramref name="source"/>, tensor by tensor, in place.</summary>
    public static void AddScaled(IReadOnlyList<WeightTensor> target, IReadOnlyList<WeightTensor> source, float scale)
    {
        RequireSameLayout(target, source, nameof(source));
        for (var i = 0; i < target.Count; i++)
            TensorPrimitives.MultiplyAdd(source[i].Values, scale, target[i].Values, target[i].Values);
    }

    /// <summary>True when both sets hold the same tensor names and shapes in the same order.</summary>
    public static bool SameLayout(IReadOnlyList<WeightTensor> a, IReadOnlyList<WeightTensor> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
            return false;
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Name != b[i].Name || !a[i].Shape.AsSpan().SequenceEqual(b[i].Shape) || a[i].Values.Length != b[i].Values.Length)
                return false;
        }
        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="other"/> has the layout of <paramref name="reference"/>.</summary>
    public static void RequireSameLayout(IReadOnlyList<WeightTensor> reference, IReadOnlyList<WeightTensor> other, string parameterName)
    {
        // Callers check updates with UpdateChecks first, so a mismatch here is a bug in the caller, not bad input.
        if (!SameLayout(reference, other))
            throw new ArgumentException("the weight sets differ in tensor names, order or shapes", parameterName);
    }
}
