using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Serialization;

/// <summary>Saves and loads a module's parameters as safetensors with PyTorch state_dict names.</summary>
public static class ModuleWeights
{
    /// <summary>The parameters as named float32 arrays (copies).</summary>
    public static IReadOnlyList<NamedArray> Export(Module module) =>
        module.NamedParameters().Select(p => NamedArray.F32(p.Name, p.Value.ToArray(), p.Value.Shape.ToArray())).ToList();

    /// <summary>Writes the parameters to <paramref name="path"/> (atomically: a reader never sees half a file).</summary>
    public static void Save(Module module, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.WriteFile(path, Export(module), metadata);

    /// <summary>The parameters as safetensors bytes.</summary>
    public static byte[] ToBytes(Module module, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.ToBytes(Export(module), metadata);

    /// <summary>Loads parameters from a file; see <see cref="Import(Module, SafeTensorsFile)"/>.</summary>
    public static void Load(Module module, string path) => Import(module, SafeTensorsReader.Read(path));

    /// <summary>
    /// Copies every parameter from <paramref name="file"/> into <paramref name="module"/>. All names, dtypes and
    /// shapes are checked before anything is written, so a bad file leaves the module unchanged.
    /// </summary>
    public static void Import(Module module, SafeTensorsFile file)
    {
        var parameters = module.NamedParameters().ToList();
        var sources = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            var (name, value) = parameters[i];
            if (!file.TryGet(name, out var entry) || entry is null)
                throw new SafeTensorsFormatException($"the file has no tensor '{name}' (it has: {string.Join(", ", file.Names)})");
            if (entry.Dtype != SafeTensorsDtype.F32)
                throw new SafeTensorsFormatException($"tensor '{name}' is {SafeTensorsDtypes.HeaderName(entry.Dtype)}, expected F32");
            entry.EnsureShape(value.Shape.ToArray());
            sources[i] = entry.AsF32();
        }
        var expected = parameters.Select(p => p.Name).ToHashSet();
        var extra = file.Names.Where(n => !expected.Contains(n)).ToList();
        if (extra.Count > 0)
            throw new SafeTensorsFormatException($"the file has tensors this model does not: {string.Join(", ", extra)}");
        for (int i = 0; i < parameters.Count; i++) sources[i].CopyTo(parameters[i].Value.Span);
    }
}
