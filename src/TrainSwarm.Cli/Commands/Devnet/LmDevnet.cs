using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Devnet;

/// <summary>`swarm devnet --preset lm`: the lm demo job on a running devnet, followed to its end, checked here and billed.</summary>
internal static class LmDevnet
{
    /// <summary>Submits <see cref="LmDemoJob"/>, follows it, prints held-out loss per round, evaluates and samples the final model here, bills.</summary>
    public static async Task<int> RunAsync(IAnsiConsole console, Cli.Devnet.Devnet devnet, SwarmClient creator, int rounds, int nodes, int innerSteps,
        int validators, string folder, bool keep, CancellationToken cancellation)
    {
        var spec = LmDemoJob.Spec(rounds, nodes, innerSteps) with { Validators = validators > 1 ? validators : null };
        var quote = await creator.QuoteAsync(spec, cancellation);
        var clock = Stopwatch.StartNew();
        var job = await creator.SubmitJobAsync(spec, quote, quote.Total, SwarmClient.DefaultDeadlineSeconds, cancellation: cancellation);
        var lm = spec.LmSettings;
        console.MarkupLine($"job [bold]{job.Id}[/] submitted: lm {lm.Preset} on {lm.Corpus}, {spec.Rounds} rounds × {nodes} nodes × H={lm.InnerSteps} " +
            $"steps of {lm.BatchSize}×{lm.SeqLen} tokens, {spec.Strategy}; quote {quote.Id}: {quote.TrainingSamples:N0} tokens × " +
            $"{quote.TrainingFlopsPerSample:N0} FLOPs = {quote.ComputeUnits:N0} units, total {TrainSwarm.Ledger.Asset.Format(quote.Total)}");
        job = await JobProgress.FollowAsync(console, creator, job, cancellation);
        var wall = clock.Elapsed.TotalSeconds;
        var roundsDone = await creator.JobRoundsAsync(job.Id, cancellation);
        JobProgress.RenderLosses(console, roundsDone, lm.SeqLen);

        var bytes = await creator.DownloadModelAsync(job.Id, cancellation);
        var modelPath = Path.Combine(folder, "model.safetensors");
        await File.WriteAllBytesAsync(modelPath, bytes, cancellation);
        var eval = LmDemoJob.Evaluate(spec, bytes);
        console.MarkupLine($"job {job.Status.ToString().ToLowerInvariant()}: {Markup.Escape(job.StatusReason ?? "")}");
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"final model: held-out loss [bold]{eval.Loss:F4}[/] nats per token, perplexity {eval.Perplexity:F2} on {eval.Tokens:N0} tokens " +
            $"(evaluated here by the engine); {wall:F1} s from submission to the end of the job"));
        foreach (var c in LmDemoJob.Complete(spec, bytes))
            console.MarkupLine($"  [grey]{Markup.Escape(c.Prompt)}[/]{Markup.Escape(c.Completion.ReplaceLineEndings(" / "))}");
        console.MarkupLine($"model: {Markup.Escape(modelPath)} (sample more with swarm generate --model {Markup.Escape(modelPath)} --prompt TEXT)");

        var balanced = await DevnetEnding.InvoiceAsync(console, creator, job.Id, cancellation);
        await DevnetEnding.KeepAsync(console, devnet, keep, cancellation);
        return job.Status == JobStatus.Completed && balanced ? SwarmApp.Success : SwarmApp.Failure;
    }
}
