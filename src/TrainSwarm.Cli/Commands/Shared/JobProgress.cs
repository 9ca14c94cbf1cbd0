using System.Globalization;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>Follows a job's live events and prints one line per step a person cares about; renders the per-round table.</summary>
internal static class JobProgress
{
    /// <summary>Prints events until the job ends; returns the ended job.</summary>
    public static Task<JobView> FollowAsync(IAnsiConsole console, SwarmClient client, JobView job, CancellationToken cancellation) =>
        FollowAsync(console, client, job, JobFollowMode.Lines, cancellation);

    /// <summary>
    /// Follows <paramref name="job"/>'s events (from its first, so a late watcher sees the whole story) until it ends; returns
    /// the ended job. <see cref="JobFollowMode.Json"/> prints each event as one JSON line instead of text;
    /// <see cref="JobFollowMode.LinesWithProgress"/> adds a progress bar after every finished round.
    /// </summary>
    public static async Task<JobView> FollowAsync(IAnsiConsole console, SwarmClient client, JobView job, JobFollowMode mode, CancellationToken cancellation)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task<string> NameOf(string? address)
        {
            if (address is null)
                return "";
            if (!names.TryGetValue(address, out var name))
            {
                foreach (var n in await client.NodesAsync(cancellation))
                    names[n.Address] = n.Name;
                name = names.GetValueOrDefault(address, address[..10] + "…");
            }
            return name;
        }
        var roundsDone = 0;
        await foreach (var e in client.EventsAsync(job.Id, 0, cancellation))
        {
            if (mode == JobFollowMode.Json)
            {
                // Raw, compact wire JSON: one event per line, for scripts (jq) to read as they arrive.
                CommonOptions.WriteLine(console, SwarmJson.Serialize(e));
                if (e.Type == EventTypes.JobDone)
                    return await client.JobAsync(job.Id, cancellation);
                continue;
            }
            var time = e.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            switch (e.Type)
            {
                case EventTypes.RoundStarted or EventTypes.TrainingStarted or EventTypes.ValidationStarted
                    or EventTypes.RoundRetried or EventTypes.NodeDropped:
                    console.MarkupLine($"[grey]{time}[/] " +
                        $"{Markup.Escape(e.Message)}{(e.Node is null ? "" : " (" + Markup.Escape(await NameOf(e.Node)) + ")")}");
                    break;
                case EventTypes.NodeJoined or EventTypes.UpdateReceived or EventTypes.UpdateScored:
                    console.MarkupLine($"[grey]{time}   {Markup.Escape(await NameOf(e.Node))}: {Markup.Escape(e.Message)}[/]");
                    break;
                case EventTypes.RoundDone:
                    console.MarkupLine($"[grey]{time}[/] [green]{Markup.Escape(e.Message)}[/]");
                    roundsDone++;
                    if (mode == JobFollowMode.LinesWithProgress)
                        CommonOptions.WriteLine(console, ProgressBar(roundsDone, job.Spec.Rounds));
                    break;
                case EventTypes.JobDone:
                    console.MarkupLine($"[grey]{time}[/] [bold]{Markup.Escape(e.Message)}[/]");
                    return await client.JobAsync(job.Id, cancellation);
            }
        }
        cancellation.ThrowIfCancellationRequested();
        return await client.JobAsync(job.Id, cancellation);
    }

    /// <summary>"progress: ██████░░░░░░░░░ 2/5 rounds (40%)": 20 cells, rounds done of the most the job runs.</summary>
    internal static string ProgressBar(int done, int total)
    {
        const int Width = 20;
        done = Math.Clamp(done, 0, Math.Max(total, 0));
        var filled = total == 0 ? Width : done * Width / total;
        var percent = total == 0 ? 100 : done * 100 / total;
        return $"progress: {new string('█', filled)}{new string('░', Width - filled)} {done}/{total} rounds ({percent}%)";
    }

    /// <summary>One row per completed round: nodes, updates accepted, holdout loss and accuracy, test accuracy, duration.</summary>
    public static void RenderSummary(IAnsiConsole console, IReadOnlyList<RoundView> rounds)
    {
        if (rounds.Any(r => r.Metrics?.MeanReturn is not null))
        {
            RenderReturns(console, rounds);
            return;
        }
        var table = new Table().AddColumns("round", "try", "nodes", "updates", "holdout loss", "holdout acc", "test acc", "seconds");
        foreach (var r in rounds.Where(r => r.Status == RoundStatus.Done))
        {
            var m = r.Metrics;
            table.AddRow(
                r.Index.ToString(CultureInfo.InvariantCulture), r.Attempt.ToString(CultureInfo.InvariantCulture),
                r.Participants.Count.ToString(CultureInfo.InvariantCulture),
                r.Participants.Count(p => p.Status == ParticipantStatus.Submitted).ToString(CultureInfo.InvariantCulture),
                m is null ? "retried" : $"{m.BaseHoldoutLoss:F4} → {m.HoldoutLoss:F4}",
                m is null ? "" : $"{m.HoldoutAccuracy:P2}", m is null ? "" : $"{m.TestAccuracy:P2}",
                r.DoneAt is { } done ? (done - r.OpenedAt).TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "");
        }
        console.Write(table);
    }

    /// <summary>An rl job's rounds: nodes, updates, the global's mean evaluation return before → after, environment steps, duration.</summary>
    private static void RenderReturns(IAnsiConsole console, IReadOnlyList<RoundView> rounds) =>
        RenderKind(console, rounds, ["mean return", "episodes", "env steps"], (r, m, submitted) =>
        [
            m?.MeanReturn is { } mean ? string.Create(CultureInfo.InvariantCulture, $"{m.BaseMeanReturn:F1} → {mean:F1}") : "retried",
            m?.EvalEpisodes?.ToString(CultureInfo.InvariantCulture) ?? "",
            ((long)submitted * r.InnerSteps * r.BatchSize).ToString("N0", CultureInfo.InvariantCulture),
        ]);

    /// <summary>
    /// An lm job's rounds: nodes, updates, the global's held-out loss before → after, its perplexity, the tokens trained (H × B ×
    /// <paramref name="seqLen"/> a node), duration.
    /// </summary>
    public static void RenderLosses(IAnsiConsole console, IReadOnlyList<RoundView> rounds, int seqLen) =>
        RenderKind(console, rounds, ["held-out loss", "perplexity", "tokens"], (r, m, submitted) =>
        [
            m is null ? "retried" : string.Create(CultureInfo.InvariantCulture, $"{m.BaseHoldoutLoss:F4} → {m.HoldoutLoss:F4}"),
            m is null ? "" : Math.Exp(m.HoldoutLoss).ToString("F2", CultureInfo.InvariantCulture),
            ((long)submitted * r.InnerSteps * r.BatchSize * seqLen).ToString("N0", CultureInfo.InvariantCulture),
        ]);

    /// <summary>
    /// A grpo job's rounds: nodes, updates, the global's held-out exact match before → after (on that round's prompts, drawn after the
    /// uploads), the sequence tokens paid for (<paramref name="tokensPerUpdate"/> a node), duration.
    /// </summary>
    public static void RenderExactMatch(IAnsiConsole console, IReadOnlyList<RoundView> rounds, long tokensPerUpdate) =>
        RenderKind(console, rounds, ["held-out exact match", "sequence tokens"], (r, m, submitted) =>
        [
            m is null ? "retried" : Job.JobText.ExactMatch(m),
            (submitted * tokensPerUpdate).ToString("N0", CultureInfo.InvariantCulture),
        ]);

    // The columns every kind's round table has (round, try, nodes, updates … seconds) around the kind's own.
    private static void RenderKind(IAnsiConsole console, IReadOnlyList<RoundView> rounds, string[] columns,
        Func<RoundView, RoundMetrics?, int, string[]> cells)
    {
        var table = new Table().AddColumns(["round", "try", "nodes", "updates", .. columns, "seconds"]);
        foreach (var r in rounds.Where(r => r.Status == RoundStatus.Done))
        {
            var submitted = r.Participants.Count(p => p.Status == ParticipantStatus.Submitted);
            table.AddRow([
                r.Index.ToString(CultureInfo.InvariantCulture), r.Attempt.ToString(CultureInfo.InvariantCulture),
                r.Participants.Count.ToString(CultureInfo.InvariantCulture), submitted.ToString(CultureInfo.InvariantCulture),
                .. cells(r, r.Metrics, submitted),
                r.DoneAt is { } done ? (done - r.OpenedAt).TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "",
            ]);
        }
        console.Write(table);
    }
}

/// <summary>How <see cref="JobProgress.FollowAsync(IAnsiConsole, SwarmClient, JobView, JobFollowMode, CancellationToken)"/> prints events.</summary>
internal enum JobFollowMode
{
    /// <summary>A line per event a person cares about.</summary>
    Lines,

    /// <summary>Lines, and a progress bar after every finished round.</summary>
    LinesWithProgress,

    /// <summary>Every event as one line of wire JSON.</summary>
    Json,
}
