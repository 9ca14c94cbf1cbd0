using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>`swarm job watch ID`: follows a job live until it ends; the exit code says whether it completed.</summary>
internal static class WatchCommand
{
    /// <summary>Builds the `job watch` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var jobId = IdArguments.JobId("The job to follow");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption("Print every event as one line of JSON (for scripts) instead of text");
        var command = new Command("watch", "Follow a job live (nodes joining, updates arriving and scored, rounds finishing) with a progress bar, " +
            "until it ends; then print its rounds.\n" +
            "Exits 0 when the job completed, 1 when it failed, expired or was cancelled. A job that already ended is replayed from its first event.\n" +
            "Example: swarm job watch j0123456789ab --coordinator http://10.0.0.5:7070")
        {
            jobId, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(jobId)!;
            var url = parse.GetValue(coordinator)!;
            var asJson = parse.GetValue(json);
            using var client = context.Client(url);
            var job = await Remote.CallAsync(client, $"cannot read job {id}", () => client.JobAsync(id, cancellation));
            if (!asJson)
                CommonOptions.WriteLine(console, $"watching job {job.Id} ({JobText.ModelName(job.Spec)} on {job.Spec.Dataset}, {job.Spec.Rounds} " +
                    $"rounds); Ctrl+C stops watching, not the job");
            var ended = await Remote.CallAsync(client, $"lost track of job {id}",
                () => JobProgress.FollowAsync(console, client, job, asJson ? JobFollowMode.Json : JobFollowMode.LinesWithProgress, cancellation));
            if (!asJson)
            {
                var report = await JobReport.ReadAsync(client, id, url, cancellation);
                if (report.Rounds.Count > 0)
                    console.Write(JobReport.RoundsTable(report.Rounds, report.Job.Spec));
                CommonOptions.WriteLine(console, ended.Status == JobStatus.Completed
                    ? $"job {id} completed: {ended.StatusReason}; get the model: swarm job download {id}"
                    : $"job {id} {ended.Status.ToString().ToLowerInvariant()}: {ended.StatusReason}; its bill: swarm job invoice {id}");
            }
            return ended.Status == JobStatus.Completed ? SwarmApp.Success : SwarmApp.Failure;
        });
        return command;
    }
}
