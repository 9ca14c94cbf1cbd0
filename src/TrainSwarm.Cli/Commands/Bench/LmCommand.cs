using System.CommandLine;
using System.Text.Json;
using TrainSwarm.Bench;
using TrainSwarm.Learning.Text;
using TrainSwarm.Tensors;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench lm`: training tokens per second of gpt-tiny and gpt-small, ours and PyTorch's (same model, batch, sequence length,
/// threads, optimizer step), side by side, one JSON line per preset.
/// </summary>
public static class LmCommand
{
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var presets = new Option<string[]>("--presets") { Description = "Presets to measure", DefaultValueFactory = _ => ["gpt-tiny", "gpt-small"],
            AllowMultipleArgumentsPerToken = true };
        presets.AcceptOnlyFromAmong([.. Learning.Models.GptConfig.PresetNames]);
        var batch = CommonOptions.Positive("--batch", "Sequences per step", 8);
        var seqLen = CommonOptions.Positive("--seq-len", "Tokens per sequence", 128);
        var steps = CommonOptions.Positive("--steps", "Timed steps per side", 10);
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first", DefaultValueFactory = _ => 2 };
        var threads = CommonOptions.Positive("--threads", "Compute threads (both sides)", 2);
        var detected = new Option<bool>("--detected-kernels")
        {
            Description = "Keep the OpenBLAS kernels OpenBLAS detects (default: name the CPU's AVX-512/AVX2 kernels, for both sides)",
        };
        var noTorch = new Option<bool>("--no-torch") { Description = "Skip PyTorch (tools/bench/gpt_torch.py)" };
        var python = new Option<string>("--python") { Description = "Interpreter with torch", DefaultValueFactory = _ => PyTorchReference.DefaultPython };
        var diloco = new Option<bool>("--diloco")
        {
            Description = "Instead: held-out loss vs tokens for one process and for --nodes nodes with DiLoCo at each --h, the tokens the swarm " +
                "needs to reach the one-process loss, and the traffic against per-step synchronous training",
        };
        var h = new Option<int[]>("--h") { Description = "With --diloco: inner steps per round to measure", DefaultValueFactory = _ => [100, 500],
            AllowMultipleArgumentsPerToken = true };
        h.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int[]>() is { } values && values.Any(v => v < 1))
                r.AddError("--h: every value must be at least 1");
        });
        var nodes = CommonOptions.Positive("--nodes", "With --diloco: nodes of the swarm", 3);
        var baselineSteps = CommonOptions.Positive("--baseline-steps", "With --diloco: steps of the one-process run", 1500);
        var factor = CommonOptions.Positive("--token-factor", "With --diloco: each swarm run trains this many times the one-process tokens", 3);
        var gptTiny = new Option<bool>("--gpt-tiny") { Description = "With --diloco: measure gpt-tiny instead of the small 2-layer GPT (slow at H = 500)" };
        var command = new Command("lm", "GPT training tokens/s, ours beside PyTorch's; or with --diloco the swarm's held-out loss against one process.\n" +
            "Example: swarm bench lm --presets gpt-tiny --steps 20; swarm bench lm --diloco --h 100 500")
        {
            presets, batch, seqLen, steps, warmup, threads, detected, noTorch, python, diloco, h, nodes, baselineSteps, factor, gptTiny,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            if (!parse.GetValue(detected)) Engine.UseFastestOpenBlasKernels();
            string? script = null;
            if (!parse.GetValue(noTorch) && !parse.GetValue(diloco))
                script = LmBenchmark.FindScript() ?? throw new CliException("tools/bench/gpt_torch.py not found (run from the checkout, or pass --no-torch)");
            TokenCorpus corpus;
            try
            {
                corpus = FortunesCorpus.Load();
            }
            catch (FileNotFoundException e)
            {
                throw new CliException(e.Message);
            }
            var tokens = corpus.Train;
            if (parse.GetValue(diloco))
            {
                var config = parse.GetValue(gptTiny) ? Learning.Models.GptConfig.Preset("gpt-tiny", ByteTokenizer.VocabSize) : LmDilocoRun.SmallConfig;
                var seq = Math.Min(parse.GetValue(seqLen), config.BlockSize);
                LmDilocoRun.Run(console, new LmDilocoBenchmark.Options(config, parse.GetValue(batch), seq, parse.GetValue(baselineSteps),
                    parse.GetValue(h)!, parse.GetValue(nodes), parse.GetValue(factor), 3e-3, 3e-4, 30, 64, 100, 0), corpus);
                return SwarmApp.Success;
            }
            foreach (string preset in parse.GetValue(presets)!)
            {
                var o = new LmBenchmark.Options(preset, parse.GetValue(batch), parse.GetValue(seqLen), parse.GetValue(steps), parse.GetValue(warmup),
                    parse.GetValue(threads));
                // PyTorch first, then ours, so neither warms the caches for the other in a way that favours us.
                JsonElement? torch = script is null ? null : await LmBenchmark.TorchAsync(parse.GetValue(python)!, script, o, cancellation);
                var ours = LmBenchmark.Measure(o, tokens);
                var line = new Dictionary<string, object?>
                {
                    ["figure"] = "lm_train_tokens_per_s", ["preset"] = preset, ["parameters"] = ours.Parameters, ["batch"] = o.Batch,
                    ["seq_len"] = o.SeqLen, ["steps"] = o.Steps, ["threads"] = o.Threads, ["blas"] = Engine.BlasName,
                    ["openblas_coretype"] = Engine.OpenBlasCoreType,
                    ["trainswarm"] = Math.Round(ours.TokensPerSecond, 1),
                };
                if (torch is { } t)
                {
                    double theirs = t.GetProperty("tokens_per_s").GetDouble();
                    line["pytorch"] = theirs;
                    line["pytorch_version"] = t.GetProperty("framework").GetString();
                    line["ratio_vs_pytorch"] = Math.Round(ours.TokensPerSecond / theirs, 3);
                }
                CommonOptions.WriteLine(console, JsonSerializer.Serialize(line));
            }
            return SwarmApp.Success;
        });
        return command;
    }
}
