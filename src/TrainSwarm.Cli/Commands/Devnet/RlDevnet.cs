using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Devnet;

/// <summary>`swarm devnet --preset cartpole`: the rl demo job on a running devnet, followed to its end, checked here and billed.</summary>
internal static class RlDevnet
{
    /// <summary>Submits <see cref="RlDemoJob"/>, follows it, evaluates the final policy here and prints the invoice; returns the exit code.</summary>
    public static async Task<int> RunAsync(IAnsiConsole console, Cli.Devnet.Devnet devnet, SwarmClient creator, int rounds, int nodes, int validators,
        string folder, bool keep, CancellationToken cancellation)
    {
        var spec = RlDemoJob.Spec(rounds, nodes) with { Validators = validators > 1 ? validators : null };
        var clock = Stopwatch.StartNew();
        var job = await creator.SubmitJobAsync(spec, cancellation: cancellation);
        var rl = spec.RlSettings;
        console.MarkupLine($"job [bold]{job.Id}[/] submitted: rl {rl.Preset} on {rl.Environment}, up to {spec.Rounds} rounds × {nodes} nodes × " +
            $"{rl.RolloutsPerRound} rollouts of {rl.RolloutSize} env steps, {spec.Strategy}, " +
            $"target mean return {rl.TargetReturn:0.#} over {rl.EvalEpisodes} episodes");
        job = await JobProgress.FollowAsync(console, creator, job, cancellation);
        var wall = clock.Elapsed.TotalSeconds;
        var roundsDone = await creator.JobRoundsAsync(job.Id, cancellation);
        JobProgress.RenderSummary(console, roundsDone);

        var bytes = await creator.DownloadModelAsync(job.Id, cancellation);
        var modelPath = Path.Combine(folder, "policy.safetensors");
        await File.WriteAllBytesAsync(modelPath, bytes, cancellation);
        var eval = RlDemoJob.Evaluate(spec, bytes);
        var envSteps = roundsDone.Where(r => r.Status == RoundStatus.Done)
            .Sum(r => (long)r.Participants.Count(p => p.Status == ParticipantStatus.Submitted) * r.InnerSteps * r.BatchSize);
        console.MarkupLine($"job {job.Status.ToString().ToLowerInvariant()}: {Markup.Escape(job.StatusReason ?? "")}");
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"final policy: mean return [bold]{eval.MeanReturn:F1}[/] ± {eval.StdReturn:F1} over 100 episodes " +
            $"(seeds 1000000…, evaluated here by the engine)"));
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{job.RoundsDone} rounds, {envSteps:N0} env steps over all nodes, {wall:F1} s from submission to the end of the job"));
        console.MarkupLine($"policy: {Markup.Escape(modelPath)}");

        var balanced = await DevnetEnding.InvoiceAsync(console, creator, job.Id, cancellation);
        await DevnetEnding.KeepAsync(console, devnet, keep, cancellation);
        return job.Status == JobStatus.Completed && balanced ? SwarmApp.Success : SwarmApp.Failure;
    }
}
