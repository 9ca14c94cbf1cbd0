using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>`swarm job status ID`: where a job is, every round attempt so far, its money, and where to get its model and bill.</summary>
internal static class StatusCommand
{
    /// <summary>Builds the `job status` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var jobId = IdArguments.JobId("The job to show");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("status", "Show a job: its status and current stage, a table of its rounds (updates accepted and the kind's figure: " +
            "holdout loss and accuracy, held-out loss, mean return or held-out exact match), escrow and billing, and links to its model and invoice.\n" +
            "Example: swarm job status j0123456789ab --coordinator http://10.0.0.5:7070")
        {
            jobId, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(jobId)!;
            var url = parse.GetValue(coordinator)!;
            using var client = context.Client(url);
            var report = await JobReport.ReadAsync(client, id, url, cancellation);
            context.Output(report, parse.GetValue(json), r => Render(console, r));
            return SwarmApp.Success;
        });
        return command;
    }

    internal static void Render(IAnsiConsole console, JobStatusReport report)
    {
        var (job, stage, rows, links) = (report.Job, report.Stage, report.Rounds, report.Links);
        var w = console.Profile.Out.Writer;
        var s = job.Spec;
        w.WriteLine($"job {job.Id}{(s.Name.Length > 0 ? $" \"{s.Name}\"" : "")}: " + (s.IsLm ? LmJobText.Describe(s)
            : s.IsGrpo ? GrpoJobText.Describe(s) : s.IsRl
            ? $"rl {s.RlSettings.Preset} on {s.RlSettings.Environment}, {s.Rounds} rounds × up to {s.MaxNodes} nodes × " +
              $"{s.RlSettings.RolloutsPerRound} rollouts of {s.RlSettings.RolloutSize} env steps, {s.Strategy}"
            : $"{JobText.ModelName(s)} on {s.Dataset}, {s.Rounds} rounds × up to {s.MaxNodes} nodes × H={s.InnerSteps} × batch {s.BatchSize}, " +
              $"{s.Strategy}"));
        w.WriteLine($"creator: {job.Creator}");
        w.WriteLine($"status: {job.Status.ToString().ToLowerInvariant()}; {job.RoundsDone} of {s.Rounds} rounds done");
        w.WriteLine($"stage: {stage}");
        w.WriteLine($"created: {JobText.Time(job.CreatedAt)} UTC" + (job.FinishedAt is { } f ? $"; finished: {JobText.Time(f)} UTC" : ""));
        if (job.LastMetrics is { MeanReturn: { } lastReturn } rm)
            w.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"mean return: {lastReturn:F1} over {rm.EvalEpisodes} evaluation episodes (target {s.RlSettings.TargetReturn:0.#})"));
        else if (job.LastMetrics is { } lmm && s.IsLm)
            w.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"held-out loss: {lmm.HoldoutLoss:F4} nats per token (perplexity {Math.Exp(lmm.HoldoutLoss):F2})")
                + (s.LmSettings.TargetLoss is { } tl ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (target {tl:0.###})") : ""));
        else if (job.LastMetrics is { } gm && s.IsGrpo)
            w.WriteLine($"held-out exact match: {JobText.ExactMatch(gm)} in the last round (greedy)"
                + (s.GrpoSettings.TargetAccuracy is { } ta ? $" (target {JobText.Accuracy(ta)})" : ""));
        else if (job.LastMetrics is { } m)
            w.WriteLine($"accuracy: holdout {JobText.Accuracy(m.HoldoutAccuracy)}, test {JobText.Accuracy(m.TestAccuracy)}" +
                (s.TargetAccuracy is { } t ? $" (target {JobText.Accuracy(t)})" : ""));
        if (rows.Count == 0)
            w.WriteLine("rounds: none yet");
        else
            console.Write(JobReport.RoundsTable(rows, s));
        if (job.Billing is { } b)
        {
            w.WriteLine($"escrow: {Asset.Format(b.Budget)} tokens reserved (transfer {b.EscrowTransferId}); quoted {Asset.Format(b.Quoted)}"
                + (b.PartialBudget ? "; partial budget" : ""));
            w.WriteLine($"billed so far: {Asset.Format(b.Spent)} tokens; " + (b.Refunded is { } r
                ? $"refunded: {Asset.Format(r)} tokens"
                : $"deadline: {JobText.Time(b.Deadline)} UTC; the rest returns when the job ends"));
        }
        w.WriteLine($"model: {links.Model} (swarm job download {job.Id})");
        w.WriteLine($"invoice: {links.Invoice} (swarm job invoice {job.Id})");
        w.WriteLine($"events: {links.Events} (swarm job watch {job.Id})");
    }
}
