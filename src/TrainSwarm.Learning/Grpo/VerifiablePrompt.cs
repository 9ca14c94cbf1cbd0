namespace TrainSwarm.Learning.Grpo;

/// <summary>A prompt whose one correct completion is known exactly: what GRPO rewards and the validator scores against.</summary>
/// <param name="Prompt">The text the model continues, e.g. "12+345=".</param>
/// <param name="Answer">The exact answer without its terminating newline, e.g. "357".</param>
public sealed record VerifiablePrompt(string Prompt, string Answer);
