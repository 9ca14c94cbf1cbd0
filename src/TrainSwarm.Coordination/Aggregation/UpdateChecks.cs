using System.Globalization;

namespace TrainSwarm.Coordination.Aggregation;

/// <summary>One update's check result: why it was rejected (null when it passed) and its L2 norm (0 when not finite).</summary>
public readonly record struct UpdateCheck(string? Reason, double Norm)
{
    /// <summary>True when the update passed every check.</summary>
    public bool Passed => Reason is null;
}

/// <summary>
/// Rejects malformed updates before they are scored or aggregated: wrong tensors or shapes, NaN/Inf values, and an
/// absurd norm (a node scaling its delta up to dominate the average, or a diverged run).
/// </summary>
public static class UpdateChecks
{
    /// <summary>An update whose norm exceeds this many times the round's median (or the base's norm, when alone) is rejected.</summary>
    public const double NormBoundFactor = 10;

    /// <summary>
    /// Why <paramref name="update"/> does not have the tensors of <paramref name="baseWeights"/> (names, order, shapes), or
    /// null. Tensors read from safetensors come sorted by name, so such callers align them to the base's order first.
    /// </summary>
    public static string? CheckStructure(IReadOnlyList<WeightTensor> update, IReadOnlyList<WeightTensor> baseWeights)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(baseWeights);
        for (var i = 0; i < baseWeights.Count; i++)
        {
            var expected = baseWeights[i];
            if (i >= update.Count)
                return $"missing tensor {expected.Name}";
            var actual = update[i];
            if (actual.Name != expected.Name)
            {
                // A tensor present elsewhere is an ordering fault; one absent everywhere is simply missing.
                return update.Any(t => t.Name == expected.Name)
                    ? $"tensor {i} is {actual.Name}, expected {expected.Name} (tensors out of order)"
                    : $"missing tensor {expected.Name}";
            }
            if (!actual.Shape.AsSpan().SequenceEqual(expected.Shape))
                return $"tensor {actual.Name} has shape {actual.ShapeText}, expected {expected.ShapeText}";
            if (actual.Values.LongLength != actual.ShapeElementCount)
                return $"tensor {actual.Name} holds {actual.Values.Length} values, its shape {actual.ShapeText} needs {actual.ShapeElementCount}";
        }
        return update.Count > baseWeights.Count ? $"unexpected tensor {update[baseWeights.Count].Name}" : null;
    }

    /// <summary>Why <paramref name="update"/> holds a value that is not finite (naming the first such tensor), or null.</summary>
    public static string? CheckFinite(IReadOnlyList<WeightTensor> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        foreach (var tensor in update)
        {
            foreach (var v in tensor.Values)
            {
                if (!float.IsFinite(v))
                    return $"tensor {tensor.Name} holds NaN/Inf";
            }
        }
        return null;
    }

    /// <summary>
    /// Checks every update of a round, returning one result per update in the same order. Structure and finiteness are
    /// judged alone; the norm bound is relative: <see cref="NormBoundFactor"/> × the median norm of the updates that
    /// passed the first two checks, or × ‖base‖ when only one did (a lone update has nobody to be compared with).
    /// </summary>
    public static UpdateCheck[] CheckRound(IReadOnlyList<IReadOnlyList<WeightTensor>> updates, IReadOnlyList<WeightTensor> baseWeights)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(baseWeights);
        var results = new UpdateCheck[updates.Count];
        var sound = new List<double>();
        for (var i = 0; i < updates.Count; i++)
        {
            var reason = CheckStructure(updates[i], baseWeights) ?? CheckFinite(updates[i]);
            var norm = reason is null ? WeightSet.Norm(updates[i]) : 0;
            // Finite floats square to at most ~1e77, so the double sum of squares (and the norm) stays finite.
            results[i] = new UpdateCheck(reason, norm);
            if (reason is null)
                sound.Add(norm);
        }
        if (sound.Count == 0)
            return results;
        var (bound, what) = sound.Count == 1
            ? (NormBoundFactor * WeightSet.Norm(baseWeights), "the base model's norm")
            : (NormBoundFactor * Median(sound), "the round's median");
        var reference = bound / NormBoundFactor;
        // A zero reference (an all-zero base, or a median of zero updates) bounds nothing meaningful: skip the check.
        if (reference <= 0)
            return results;
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Passed && !(results[i].Norm <= bound))
            {
                results[i] = results[i] with
                {
                    Reason = string.Create(CultureInfo.InvariantCulture,
                        $"norm {results[i].Norm:G6} is more than {NormBoundFactor:G}× {what} {reference:G6}"),
                };
            }
        }
        return results;
    }

    /// <summary>The median (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            throw new ArgumentException("the median of no values is undefined", nameof(values));
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
