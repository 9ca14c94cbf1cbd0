using System.Security.Cryptography;
using TrainSwarm.Nn;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// The whole training state at a commitment step: the weights (under their state_dict names) and the optimizer's state
/// tensors (<c>optimizer.{i}</c>), as safetensors. A replay resumes from it bitwise; its SHA-256 (its blob id) is the
/// state commitment, so a node cannot hand a validator a made-up momentum buffer that happens to reach its next hash.
/// </summary>
public static class RoundCheckpoint
{
    /// <summary>The name prefix of optimizer state tensors inside a checkpoint.</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>The safetensors bytes of <paramref name="model"/>'s weights and <paramref name="optimizer"/>'s state.</summary>
    public static byte[] ToBytes(Module model, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ToBytes(ModuleWeights.Export(model), optimizer);
    }

    /// <summary>The checkpoint of <paramref name="weights"/> (a model's export) and <paramref name="optimizer"/>'s state.</summary>
    public static byte[] ToBytes(IReadOnlyList<NamedArray> weights, Optimizer optimizer)
    {
        return SafeTensorsWriter.ToBytes(Arrays(weights, optimizer));
    }

    /// <summary>
    /// The state commitment of <paramref name="weights"/> and <paramref name="optimizer"/>'s state: the same hash as
    /// <see cref="Hash"/> of <see cref="ToBytes(IReadOnlyList{NamedArray}, Optimizer)"/>, streamed into SHA-256, for a
    /// replay that needs the hash and not the 1 MB of bytes.
    /// </summary>
    public static string Sha256Hex(IReadOnlyList<NamedArray> weights, Optimizer optimizer) => SafeTensorsWriter.Sha256Hex(Arrays(weights, optimizer));

    private static List<NamedArray> Arrays(IReadOnlyList<NamedArray> weights, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(optimizer);
        var state = optimizer.State;
        return Arrays(weights, state.Select(s => s.ToArray()).ToList(), state);
    }

    /// <summary>
    /// A checkpoint's tensors: <paramref name="weights"/>, then <paramref name="values"/> (one array per tensor of the
    /// optimizer's <paramref name="state"/>, in its order) under their checkpoint names and shapes. The arrays are held, not
    /// copied, so a replayer that refills them hashes every commitment from the same memory.
    /// </summary>
    internal static List<NamedArray> Arrays(IReadOnlyList<NamedArray> weights, IReadOnlyList<float[]> values, IReadOnlyList<Tensor> state)
    {
        var arrays = weights.ToList();
        for (var i = 0; i < state.Count; i++)
            arrays.Add(NamedArray.F32($"{OptimizerPrefix}{i}", values[i], state[i].Shape.ToArray()));
        return arrays;
    }

    /// <summary>
    /// Loads <paramref name="checkpoint"/> into <paramref name="model"/> and <paramref name="optimizer"/>, which has
    /// taken <paramref name="stepsTaken"/> steps. Every name and shape is checked before anything is written.
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The checkpoint does not fit this model and optimizer.</exception>
    public static void Load(byte[] checkpoint, Module model, Optimizer optimizer, int stepsTaken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Load(SafeTensorsReader.Read(checkpoint), model, optimizer, stepsTaken);
    }

    /// <summary>Loads an already parsed checkpoint (a validator has read it once to check its weight hash).</summary>
    /// <exception cref="SafeTensorsFormatException">The checkpoint does not fit this model and optimizer.</exception>
    public static void Load(SafeTensorsFile file, Module model, Optimizer optimizer, int stepsTaken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var state = optimizer.State;
        var sources = new float[state.Count][];
        for (var i = 0; i < state.Count; i++)
        {
            if (!file.TryGet($"{OptimizerPrefix}{i}", out var entry) || entry is null || entry.Dtype != SafeTensorsDtype.F32)
                throw new SafeTensorsFormatException($"the checkpoint has no float32 optimizer state '{OptimizerPrefix}{i}'");
            entry.EnsureShape(state[i].Shape.ToArray());
            sources[i] = entry.AsF32();
        }
        var parameters = model.NamedParameters().ToList();
        if (file.Tensors.Count != parameters.Count + state.Count)
            throw new SafeTensorsFormatException($"the checkpoint holds {file.Tensors.Count} tensors, expected {parameters.Count + state.Count}");
        var weights = new float[parameters.Count][];
        for (var i = 0; i < parameters.Count; i++)
        {
            var (name, value) = parameters[i];
            if (!file.TryGet(name, out var entry) || entry is null || entry.Dtype != SafeTensorsDtype.F32)
                throw new SafeTensorsFormatException($"the checkpoint has no float32 weight '{name}'");
            entry.EnsureShape(value.Shape.ToArray());
            weights[i] = entry.AsF32();
        }
        for (var i = 0; i < parameters.Count; i++)
            weights[i].CopyTo(parameters[i].Value.Span);
        for (var i = 0; i < state.Count; i++)
            sources[i].CopyTo(state[i].Span);
        optimizer.Resume(stepsTaken);
    }

    /// <summary>Lowercase hex SHA-256 of <paramref name="bytes"/> (a checkpoint's state commitment and blob id).</summary>
    public static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
