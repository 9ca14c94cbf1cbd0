using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>A job's status report (job status, job watch): the job, its stage, one row per round attempt, its links.</summary>
internal static class JobReport
{
    /// <summary>Reads the job, its rounds and each finished round's verdict counts.</summary>
    internal static async Task<JobStatusReport> ReadAsync(SwarmClient client, string id, string url, CancellationToken cancellation)
    {
        var job = await Remote.CallAsync(client, $"cannot read job {id}", () => client.JobAsync(id, cancellation));
        var rounds = await Remote.CallAsync(client, $"cannot read the rounds of job {id}", () => client.JobRoundsAsync(id, cancellation));
        var rows = new List<RoundRow>();
        foreach (var r in rounds.OrderBy(r => r.Index).ThenBy(r => r.Attempt))
        {
            var updates = r.Participants.Count(p => p.Status == ParticipantStatus.Submitted);
            int? accepted = null;
            if (r.Status == RoundStatus.Done && updates > 0)
            {
                // The coordinator keeps the result of a round's latest attempt; earlier attempts were retried.
                var result = await Remote.CallAsync(client, $"cannot read the result of round {r.Id}", async () =>
                {
                    try
                    {
                        return await client.GetAsync<RoundResultSubmission>(Routes.RoundResult(r.Id), cancellation);
                    }
                    catch (SwarmApiException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
                    {
                        return null; // closed without a validator's result (its deadline passed)
                    }
                });
                if (result?.Result.Attempt == r.Attempt)
                    accepted = result.Result.Verdicts.Count(v => v.Accepted);
            }
            rows.Add(new RoundRow(r.Id, r.Index, r.Attempt, Describe(r.Status, r.Metrics), r.Participants.Count, updates, accepted, r.Metrics));
        }
        var base_ = url.TrimEnd('/');
        var links = new JobLinks($"{base_}{Routes.JobModel(id)}", $"{base_}{Routes.JobInvoice(id)}", $"{base_}{Routes.Events}?job={id}");
        var current = rounds.Where(r => r.Index == job.CurrentRound).MaxBy(r => r.Attempt);
        return new JobStatusReport(job, Stage(job, current), rows, links);
    }

    private static string Describe(RoundStatus status, RoundMetrics? metrics) =>
        status == RoundStatus.Done && metrics is null ? "retried" : status.ToString().ToLowerInvariant();

    /// <summary>One sentence: what the job is doing now, or why it ended.</summary>
    internal static string Stage(JobView job, RoundView? round)
    {
        if (job.Status != JobStatus.Running)
            return $"{job.Status.ToString().ToLowerInvariant()}: {job.StatusReason}";
        if (round is null)
            return "starting";
        var at = $"round {round.Index} of {job.Spec.Rounds} (0-based), attempt {round.Attempt}";
        var joined = round.Participants.Count;
        var submitted = round.Participants.Count(p => p.Status == ParticipantStatus.Submitted);
        var until = $"until {round.PhaseDeadline.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC";
        return round.Status switch
        {
            RoundStatus.Open => $"{at}: open, {joined} of {round.MaxNodes} nodes joined (needs {round.MinNodes}), {until}",
            RoundStatus.Training => $"{at}: training, {submitted} of {joined} updates in, {until}",
            RoundStatus.Validating => $"{at}: validating {submitted} updates" + (round.Validator is { } v
                ? $" (validator {Remote.Short(v)})" : ", waiting for a validator"),
            _ => $"{at}: done, starting the next round",
        };
    }

    /// <summary>
    /// One row per round attempt: status, nodes, updates accepted of delivered, then the kind's figures: holdout loss and accuracy
    /// and test accuracy (image), the held-out loss and perplexity (lm), the held-out exact match (grpo), the mean return (rl).
    /// </summary>
    internal static Table RoundsTable(IEnumerable<RoundRow> rows, JobSpec spec) =>
        spec.IsRl ? KindTable(rows, ["mean return", "episodes"], m =>
            [m.MeanReturn is { } mean ? string.Create(CultureInfo.InvariantCulture, $"{m.BaseMeanReturn:F1} → {mean:F1}") : "-",
             m.EvalEpisodes?.ToString(CultureInfo.InvariantCulture) ?? "-"])
        : spec.IsGrpo ? KindTable(rows, ["held-out exact match"], m => [JobText.ExactMatch(m)])
        : spec.IsLm ? KindTable(rows, ["held-out loss", "perplexity"], m =>
            [string.Create(CultureInfo.InvariantCulture, $"{m.BaseHoldoutLoss:F4} → {m.HoldoutLoss:F4}"),
             Math.Exp(m.HoldoutLoss).ToString("F2", CultureInfo.InvariantCulture)])
        : KindTable(rows, ["holdout loss", "holdout acc", "test acc"], m =>
            [string.Create(CultureInfo.InvariantCulture, $"{m.BaseHoldoutLoss:F4} → {m.HoldoutLoss:F4}"),
             JobText.Accuracy(m.HoldoutAccuracy), JobText.Accuracy(m.TestAccuracy)]);

    // The columns every kind's table has (round, try, status, nodes, accepted) and the kind's own, "-" where a row has no metrics.
    private static Table KindTable(IEnumerable<RoundRow> rows, string[] columns, Func<RoundMetrics, string[]> cells)
    {
        var table = new Table().AddColumns("round", "try", "status")
            .AddColumn(new TableColumn("nodes").RightAligned()).AddColumn(new TableColumn("accepted").RightAligned());
        foreach (var column in columns)
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var r in rows)
            table.AddRow([
                r.Index.ToString(CultureInfo.InvariantCulture), r.Attempt.ToString(CultureInfo.InvariantCulture), r.Status,
                r.Nodes.ToString(CultureInfo.InvariantCulture),
                r.Accepted is { } a ? $"{a}/{r.Updates}" : $"-/{r.Updates}",
                .. r.Metrics is { } m ? cells(m) : columns.Select(_ => "-"),
            ]);
        return table;
    }
}

/// <summary>One round attempt as `job status` shows it; <see cref="Accepted"/> is null until the attempt's result is known.</summary>
internal sealed record RoundRow(string Id, int Index, int Attempt, string Status, int Nodes, int Updates, int? Accepted, RoundMetrics? Metrics);

/// <summary>Where a job's model, invoice and live events are.</summary>
internal sealed record JobLinks(string Model, string Invoice, string Events);

/// <summary>What `job status --json` prints.</summary>
internal sealed record JobStatusReport(JobView Job, string Stage, IReadOnlyList<RoundRow> Rounds, JobLinks Links);
