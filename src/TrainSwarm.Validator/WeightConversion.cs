using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Nn;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Validator;

/// <summary>Moves weights between the engine (modules, safetensors entries) and the strategies' plain <see cref="WeightTensor"/>s.</summary>
public static class WeightConversion
{
    /// <summary>Float32 safetensors entries as weight tensors (the arrays are shared, not copied).</summary>
    public static List<WeightTensor> FromNamedArrays(IEnumerable<NamedArray> arrays) =>
        arrays.Select(a => new WeightTensor(a.Name, [.. a.Shape], a.AsF32())).ToList();

    /// <summary>Weight tensors as float32 safetensors entries (the arrays are shared, not copied).</summary>
    public static List<NamedArray> ToNamedArrays(IReadOnlyList<WeightTensor> weights) =>
        weights.Select(w => NamedArray.F32(w.Name, w.Values, w.Shape)).ToList();

    /// <summary>
    /// <paramref name="tensors"/> put in <paramref name="reference"/>'s order by name, tensors the reference lacks last.
    /// A safetensors file has no tensor order (its writer sorts by name), so a decoded update or state must be aligned
    /// before <see cref="UpdateChecks"/> or a strategy compares it position by position with the model.
    /// </summary>
    public static List<WeightTensor> AlignTo(IReadOnlyList<WeightTensor> reference, IReadOnlyList<WeightTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(tensors);
        var byName = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var t in tensors)
            byName.TryAdd(t.Name, t);
        var aligned = reference.Where(r => byName.ContainsKey(r.Name)).Select(r => byName[r.Name]).ToList();
        var known = reference.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        aligned.AddRange(tensors.Where(t => !known.Contains(t.Name)));
        return aligned;
    }

    /// <summary>A module's parameters (copies), in parameter order.</summary>
    public static List<WeightTensor> FromModule(Module module) => FromNamedArrays(ModuleWeights.Export(module));

    /// <summary>Copies <paramref name="weights"/> into <paramref name="module"/>'s parameters; the layout must be the module's own.</summary>
    public static void Load(Module module, IReadOnlyList<WeightTensor> weights)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(weights);
        var parameters = module.NamedParameters().ToList();
        if (parameters.Count != weights.Count)
            throw new ArgumentException($"the model has {parameters.Count} parameters, the weights {weights.Count}", nameof(weights));
        for (var i = 0; i < parameters.Count; i++)
        {
            var (name, value) = parameters[i];
            if (name != weights[i].Name || !value.Shape.SequenceEqual(weights[i].Shape))
                throw new ArgumentException(
                    $"parameter {i} is {name} {value.ShapeText}, the weights hold {weights[i].Name} {weights[i].ShapeText}", nameof(weights));
        }
        for (var i = 0; i < parameters.Count; i++)
            weights[i].Values.CopyTo(parameters[i].Value.Span);
    }
}
