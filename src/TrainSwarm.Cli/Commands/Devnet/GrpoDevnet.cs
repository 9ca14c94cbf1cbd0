using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Devnet;

/// <summary>`swarm devnet --preset grpo`: the grpo demo job on a running devnet, followed to its end, checked here and billed.</summary>
internal static class GrpoDevnet
{
    /// <summary>Submits <see cref="GrpoDemoJob"/>, follows it, prints exact match per round, evaluates the initial and final model here, bills.</summary>
    public static async Task<int> RunAsync(IAnsiConsole console, Cli.Devnet.Devnet devnet, SwarmClient creator, int rounds, int nodes, int stepsPerRound,
        int pretrainSteps, int validators, string folder, bool keep, CancellationToken cancellation)
    {
        var spec = GrpoDemoJob.Spec(rounds, nodes, stepsPerRound, pretrainSteps) with { Validators = validators > 1 ? validators : null };
        var quote = await creator.QuoteAsync(spec, cancellation);
        var g = spec.GrpoSettings;
        console.MarkupLine($"pre-training the initial model at submit ({g.PretrainSteps} steps × {g.PretrainBatchSize} problems, seed {spec.Seed})…");
        var clock = Stopwatch.StartNew();
        var job = await creator.SubmitJobAsync(spec, quote, quote.Total, SwarmClient.DefaultDeadlineSeconds, cancellation: cancellation);
        var submitted = clock.Elapsed.TotalSeconds;
        console.MarkupLine($"job [bold]{job.Id}[/] submitted in {submitted.ToString("F1", CultureInfo.InvariantCulture)} s: " +
            $"{Markup.Escape(GrpoJobText.Describe(spec))}; quote {quote.Id}: {quote.TrainingSamples:N0} sequence tokens × " +
            $"{quote.TrainingFlopsPerSample:N0} FLOPs = {quote.ComputeUnits:N0} units, total {TrainSwarm.Ledger.Asset.Format(quote.Total)}");
        var initial = await creator.GetBlobAsync(job.InitialModelBlob, cancellation);
        job = await JobProgress.FollowAsync(console, creator, job, cancellation);
        var wall = clock.Elapsed.TotalSeconds;
        var roundsDone = await creator.JobRoundsAsync(job.Id, cancellation);
        JobProgress.RenderExactMatch(console, roundsDone, g.TokensPerUpdate);

        var bytes = await creator.DownloadModelAsync(job.Id, cancellation);
        var modelPath = Path.Combine(folder, "model.safetensors");
        await File.WriteAllBytesAsync(modelPath, bytes, cancellation);
        var (before, after) = (GrpoDemoJob.Evaluate(spec, initial), GrpoDemoJob.Evaluate(spec, bytes));
        console.MarkupLine($"job {job.Status.ToString().ToLowerInvariant()}: {Markup.Escape(job.StatusReason ?? "")}");
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"held-out exact match on {after.Total} held-out prompts (evaluated here): initial model [bold]{before.Accuracy:P1}[/] " +
            $"({before.Correct}), final model [bold]{after.Accuracy:P1}[/] ({after.Correct}); {wall:F1} s from submission to the end of the job"));
        console.MarkupLine($"model: {Markup.Escape(modelPath)}");

        var balanced = await DevnetEnding.InvoiceAsync(console, creator, job.Id, cancellation);
        await DevnetEnding.KeepAsync(console, devnet, keep, cancellation);
        return job.Status == JobStatus.Completed && balanced ? SwarmApp.Success : SwarmApp.Failure;
    }
}
