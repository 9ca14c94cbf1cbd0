using System.Globalization;
using Spectre.Console;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Cli.Commands.Train;

/// <summary>
/// `swarm train --preset gpt-tiny|gpt-small`: next-token training on the built-in fortunes corpus in this process, printing the
/// held-out loss and perplexity at every evaluation; the saved safetensors carry the model sizes in their metadata so
/// `swarm generate` (and tools/gpt/gpt2.py) can rebuild the model.
/// </summary>
internal static class LmPresetTraining
{
    public static readonly string[] Presets = [.. GptConfig.PresetNames];

    /// <summary>Settings from the command line; null ones take the preset's defaults.</summary>
    public sealed record Options(string Preset, ulong Seed, int Steps, int? Batch, int? SeqLen, double? Lr, int EvalEvery, string? Output, string? CorpusDir,
        string Tokenizer = "byte", int VocabSize = 512);

    public static int Run(IAnsiConsole console, Options o, CancellationToken cancellation)
    {
        TokenCorpus corpus;
        ITokenizer tokenizer;
        try
        {
            // A BPE vocabulary learns from the training fortunes only, so the held-out loss stays held out.
            tokenizer = o.Tokenizer == "bpe"
                ? new BpeTokenizer(BpeTrainer.Train(FortunesCorpus.TrainingDocuments(o.CorpusDir), o.VocabSize))
                : ByteTokenizer.Instance;
            corpus = FortunesCorpus.Load(o.CorpusDir, tokenizer);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(e.Message);
        }
        var config = GptConfig.Preset(o.Preset, tokenizer.VocabSize);
        int seqLen = o.SeqLen ?? config.BlockSize;
        if (seqLen > config.BlockSize) throw new CliException($"--seq-len {seqLen} is longer than {o.Preset}'s context {config.BlockSize}", SwarmApp.BadUsage);
        var spec = new LmTrainingSpec(o.Batch ?? 16, seqLen, o.Steps, MaxLr: o.Lr ?? 1e-3, MinLr: (o.Lr ?? 1e-3) / 10,
            WarmupSteps: Math.Min(100, o.Steps / 10));
        var model = new GptModel(config, o.Seed);
        console.MarkupLine($"Training [bold]{o.Preset}[/] ({model.ParameterCount:N0} parameters: {config.Layers} layers, {config.Heads} heads, " +
            $"width {config.Channels}) on {corpus.Name}: {corpus.Train.Length:N0} training and {corpus.HeldOut.Length:N0} held-out tokens " +
            $"({Describe(tokenizer)}, {corpus.Documents:N0} fortunes); batch {spec.BatchSize} × {spec.SeqLen}, {spec.Steps} steps, AdamW lr {spec.MaxLr:G3} " +
            $"cosine, seed {o.Seed}, {Engine.Threads} thread(s), GEMM: {Engine.BlasName}");
        var before = LmEvaluator.Evaluate(model, corpus.HeldOut, seqLen);
        console.MarkupLine($"  step {0,6}  held-out loss {before.Loss:F4}  perplexity {before.Perplexity,8:F2}");
        var result = LmTrainer.Train(model, spec, corpus.Train, o.Seed, step =>
        {
            if (step.Step % o.EvalEvery != 0 && step.Step != step.Steps) return;
            var eval = LmEvaluator.Evaluate(model, corpus.HeldOut, seqLen);
            console.MarkupLine($"  step {step.Step,6}  train loss {step.Loss:F4}  held-out loss {eval.Loss:F4}  perplexity {eval.Perplexity,8:F2}  " +
                $"lr {step.LearningRate:E2}  {step.TokensPerSecond:N0} tokens/s  {step.Elapsed.TotalSeconds:F1} s");
        }, cancellation);
        var final = LmEvaluator.Evaluate(model, corpus.HeldOut, seqLen);
        console.MarkupLine($"Trained {result.Tokens:N0} tokens in {result.ComputeSeconds:F1} s ({result.Tokens / result.ComputeSeconds:N0} tokens/s); " +
            $"held-out loss [bold]{final.Loss:F4}[/], perplexity [bold]{final.Perplexity:F2}[/] on {final.Tokens:N0} tokens");
        if (o.Output is { } path)
        {
            ModuleWeights.Save(model, path, Metadata(o.Preset, config, o.Seed, final, tokenizer));
            console.MarkupLine($"Saved weights to [bold]{Markup.Escape(path)}[/]");
        }
        return SwarmApp.Success;
    }

    private static string Describe(ITokenizer tokenizer) => tokenizer is BpeTokenizer bpe
        ? $"byte-level BPE, {bpe.VocabSize} ids trained on the training fortunes"
        : "byte-level";

    /// <summary>What `swarm generate` needs to rebuild the model and its tokenizer, plus the facts of the run.</summary>
    public static Dictionary<string, string> Metadata(string preset, GptConfig c, ulong seed, LmEvaluation eval, ITokenizer? tokenizer = null)
    {
        var metadata = BaseMetadata(preset, c, seed, eval, (tokenizer ?? ByteTokenizer.Instance).Kind);
        // merges.txt fixes a BPE vocabulary whole (ids follow from the merges), so the file carries its own tokenizer.
        if (tokenizer is BpeTokenizer bpe) metadata["bpe_merges"] = System.Text.Encoding.UTF8.GetString(bpe.Vocabulary.MergesText());
        return metadata;
    }

    private static Dictionary<string, string> BaseMetadata(string preset, GptConfig c, ulong seed, LmEvaluation eval, string tokenizer) => new()
    {
        ["preset"] = preset, ["tokenizer"] = tokenizer, ["corpus"] = "fortunes", ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
        ["vocab_size"] = I(c.VocabSize), ["block_size"] = I(c.BlockSize), ["n_layer"] = I(c.Layers), ["n_head"] = I(c.Heads), ["n_embd"] = I(c.Channels),
        ["heldout_loss"] = eval.Loss.ToString("F4", CultureInfo.InvariantCulture),
    };

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
