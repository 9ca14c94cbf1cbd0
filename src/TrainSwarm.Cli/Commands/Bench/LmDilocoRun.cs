using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Bench;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench lm --diloco`: held-out loss against tokens for one process and for a swarm with DiLoCo at each H
/// (<see cref="LmDilocoBenchmark"/>), then per H the tokens the swarm needed to reach the one-process run's final loss and the
/// traffic per node per round against per-step synchronous training. One JSON line per figure.
/// </summary>
internal static class LmDilocoRun
{
    /// <summary>The default model: the small GPT the training tests use (2 layers, 4 heads, width 64, context 64), so H = 500 runs in minutes.</summary>
    public static GptConfig SmallConfig => new(ByteTokenizer.VocabSize, 64, 2, 4, 64);

    public static void Run(IAnsiConsole console, LmDilocoBenchmark.Options o, TokenCorpus corpus)
    {
        var baseline = LmDilocoBenchmark.Baseline(o, corpus);
        Emit(console, baseline, o);
        var target = baseline.Points[^1];
        foreach (var h in o.InnerSteps)
        {
            var swarm = LmDilocoBenchmark.Swarm(o, corpus, h);
            Emit(console, swarm, o);
            var reached = LmDilocoBenchmark.TokensToReach(swarm, target.Loss);
            Write(console, new()
            {
                ["figure"] = "lm_diloco_tokens_to_one_process_loss", ["h"] = h, ["nodes"] = o.Nodes, ["one_process_loss"] = Math.Round(target.Loss, 4),
                ["one_process_tokens"] = target.Tokens, ["swarm_tokens"] = reached, ["swarm_final_loss"] = Math.Round(swarm.Points[^1].Loss, 4),
                ["swarm_tokens_trained"] = swarm.Points[^1].Tokens,
                ["token_ratio"] = reached is { } t ? Math.Round((double)t / target.Tokens, 3) : null,
            });
            var perRound = LmDilocoBenchmark.BytesPerNodePerRound(o.Config);
            Write(console, new()
            {
                ["figure"] = "lm_diloco_traffic", ["h"] = h, ["parameters"] = o.Config.ParameterCount, ["bytes_per_node_per_round"] = perRound,
                ["sync_bytes_per_node_same_steps"] = perRound * h, ["reduction"] = h,
            });
        }
    }

    private static void Emit(IAnsiConsole console, LmDilocoBenchmark.Curve curve, LmDilocoBenchmark.Options o)
    {
        for (var i = 0; i < curve.Points.Count; i++)
        {
            var p = curve.Points[i];
            Write(console, new()
            {
                ["figure"] = "lm_heldout_loss_vs_tokens", ["run"] = curve.H is null ? "one-process" : "diloco", ["h"] = curve.H,
                ["nodes"] = curve.H is null ? 1 : o.Nodes, ["point"] = i, ["tokens"] = p.Tokens, ["heldout_loss"] = Math.Round(p.Loss, 4),
                ["seconds"] = Math.Round(p.Seconds, 1),
            });
        }
    }

    private static void Write(IAnsiConsole console, Dictionary<string, object?> line) => CommonOptions.WriteLine(console, JsonSerializer.Serialize(line));
}
