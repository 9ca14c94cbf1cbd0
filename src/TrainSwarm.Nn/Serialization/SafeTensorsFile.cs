namespace TrainSwarm.Nn.Serialization;

/// <summary>The validated contents of a safetensors file: its tensors in data order, and its metadata.</summary>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, NamedArray> _byName;

    internal SafeTensorsFile(IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Every tensor, in the order of their data in the file.</summary>
    public IReadOnlyList<NamedArray> Tensors { get; }

    /// <summary>The "__metadata__" strings; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor names.</summary>
    public IEnumerable<string> Names => Tensors.Select(t => t.Name);

    /// <summary>The tensor called <paramref name="name"/>; throws <see cref="SafeTensorsFormatException"/> if absent.</summary>
    public NamedArray this[string name] =>
        _byName.TryGetValue(name, out NamedArray? t) ? t : throw new SafeTensorsFormatException($"no tensor named '{name}' in the file");

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks up a tensor without throwing.</summary>
    public bool TryGet(string name, out NamedArray? tensor) => _byName.TryGetValue(name, out tensor);
}
