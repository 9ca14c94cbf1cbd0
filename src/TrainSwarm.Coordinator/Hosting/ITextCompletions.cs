using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>
/// Writes a few sampled completions with an lm job's model, for the dashboard's job page and `swarm devnet --preset lm`. A seam
/// so that the host chooses how text is generated (the product samples with the engine: <see cref="Queries.GptTextCompletions"/>).
/// </summary>
public interface ITextCompletions
{
    /// <summary>Completions by <paramref name="model"/> (safetensors bytes, blob <paramref name="modelBlob"/>) of <paramref name="spec"/>'s preset.</summary>
    IReadOnlyList<TextCompletion> Complete(JobSpec spec, string modelBlob, byte[] model);
}
