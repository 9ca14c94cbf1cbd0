using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Cli.Commands.Generate;

/// <summary>`swarm generate --model FILE --prompt TEXT`: samples a continuation from a trained GPT (seeded: the same seed gives the same text).</summary>
public static class GenerateCommand
{
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var model = new Option<string>("--model") { Description = "Weights saved by `swarm train --preset gpt-tiny --out FILE`", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue", DefaultValueFactory = _ => "" };
        var tokens = CommonOptions.Positive("--tokens", "Tokens (bytes) to generate", 200);
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature; 0 is greedy", DefaultValueFactory = _ => 0.8 };
        temperature.Validators.Add(r => { if (r.GetValueOrDefault<double>() is < 0 or double.NaN) r.AddError("--temperature must be non-negative"); });
        var topK = new Option<int>("--top-k") { Description = "Sample among the k most likely tokens only (0: all)", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "Sampling seed", DefaultValueFactory = _ => 0 };
        var threads = CommonOptions.Positive("--threads", "Compute threads", Environment.ProcessorCount);
        var command = new Command("generate",
            "Sample text from a trained language model.\nExample: swarm generate --model tiny.safetensors --prompt \"The \" --seed 1")
        {
            model, prompt, tokens, temperature, topK, seed, threads,
        };
        command.SetAction((parse, cancellation) =>
        {
            Engine.Threads = parse.GetValue(threads);
            string path = parse.GetValue(model)!;
            SafeTensorsFile file;
            try
            {
                file = SafeTensorsReader.Read(path);
            }
            catch (Exception e) when (e is IOException or SafeTensorsFormatException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read {path}: {e.Message}");
            }
            var gpt = new GptModel(ConfigOf(file, path), seed: 0);
            try
            {
                ModuleWeights.Import(gpt, file);
            }
            catch (SafeTensorsFormatException e)
            {
                throw new CliException($"{path} does not fit a GPT of its stated sizes: {e.Message}");
            }
            var tokenizer = TokenizerOf(file, path);
            string text = parse.GetValue(prompt)!;
            // An empty prompt starts a new document, as GPT-2 samples unconditionally from <|endoftext|>.
            int[] ids = text.Length == 0 ? [tokenizer.EndOfText] : tokenizer.Encode(text);
            var output = LmSampler.Generate(gpt, ids, parse.GetValue(tokens), parse.GetValue(seed), parse.GetValue(temperature), parse.GetValue(topK),
                stopAt: tokenizer.EndOfText);
            if (output.Length > 0 && output[^1] == tokenizer.EndOfText) output = output[..^1];
            console.Profile.Out.Writer.Write(text + tokenizer.Decode(output) + "\n");
            return Task.FromResult(SwarmApp.Success);
        });
        return command;
    }

    /// <summary>The tokenizer the file was trained with: byte-level (also for files saved before the key existed) or its BPE merges.</summary>
    private static ITokenizer TokenizerOf(SafeTensorsFile file, string path)
    {
        string kind = file.Metadata.GetValueOrDefault("tokenizer", "byte");
        if (kind == "byte") return ByteTokenizer.Instance;
        if (kind != "bpe" || !file.Metadata.TryGetValue("bpe_merges", out var merges))
            throw new CliException($"{path}: tokenizer '{kind}' is not byte, or bpe with its merges in the metadata");
        try
        {
            return new BpeTokenizer(BpeVocabulary.FromMergesText(merges));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new CliException($"{path}: its BPE merges do not read: {e.Message}");
        }
    }

    private static GptConfig ConfigOf(SafeTensorsFile file, string path)
    {
        int Get(string key) => file.Metadata.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? n : throw new CliException($"{path} has no '{key}' in its metadata: save it with `swarm train --preset gpt-tiny --out FILE`");
        return new GptConfig(Get("vocab_size"), Get("block_size"), Get("n_layer"), Get("n_head"), Get("n_embd"));
    }
}
