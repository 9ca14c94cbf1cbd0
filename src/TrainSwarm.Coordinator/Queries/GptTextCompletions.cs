using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Queries;

/// <summary>
/// Samples with the engine (<see cref="LmSampler"/>): each of <see cref="Prompts"/> continued for at most 60 bytes or to the end of
/// its fortune, temperature 0.8, top 40, seed 0, so a model always writes the same text. A global model is immutable (a blob), so
/// the last model's completions are kept: a live dashboard asks again at every event and costs one sampling per round.
/// </summary>
public sealed class GptTextCompletions : ITextCompletions
{
    /// <summary>The prompts every lm job's model is asked to continue.</summary>
    public static readonly IReadOnlyList<string> Prompts = ["The ", "A man ", "Love is "];

    private const int MaxTokens = 60;
    private readonly Lock _lock = new();
    private (string Blob, IReadOnlyList<TextCompletion> Completions)? _last;

    /// <inheritdoc/>
    public IReadOnlyList<TextCompletion> Complete(JobSpec spec, string modelBlob, byte[] model)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (_lock)
        {
            if (_last is { } last && last.Blob == modelBlob)
                return last.Completions;
        }
        var completions = Sample(spec, model);
        lock (_lock)
            _last = (modelBlob, completions);
        return completions;
    }

    /// <summary>The completions of <paramref name="model"/> (safetensors bytes of <paramref name="spec"/>'s preset), computed now.</summary>
    public static IReadOnlyList<TextCompletion> Sample(JobSpec spec, byte[] model, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var gpt = new GptModel(GptConfig.Preset(spec.LmSettings.Preset, ByteTokenizer.VocabSize), 0);
        ModuleWeights.Import(gpt, SafeTensorsReader.Read(model));
        return Prompts.Select(p =>
        {
            var ids = LmSampler.Generate(gpt, ByteTokenizer.Encode(p), MaxTokens, seed, temperature: 0.8, topK: 40, stopAt: ByteTokenizer.EndOfText);
            return new TextCompletion(p, ByteTokenizer.Decode(ids.Where(id => id != ByteTokenizer.EndOfText).ToArray()), seed);
        }).ToList();
    }
}
