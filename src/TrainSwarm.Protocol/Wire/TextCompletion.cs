namespace TrainSwarm.Protocol.Wire;

/// <summary>A sampled continuation of a prompt by an lm job's current model (seeded, so the same model gives the same text).</summary>
public sealed record TextCompletion(string Prompt, string Completion, ulong Seed);
