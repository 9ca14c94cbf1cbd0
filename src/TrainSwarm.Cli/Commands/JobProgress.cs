using System.Globalization;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>Follows a job's live events and prints one line per step a person cares about; renders the per-round table.</summary>
internal static class JobProgress
{
    /// <summary>Prints events until the job ends; returns the ended job.</summary>
    public static async Task<JobView> FollowAsync(IAnsiConsole console, SwarmClient client, JobView job, CancellationToken cancellation)
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
        await foreach (var e in client.EventsAsync(job.Id, 0, cancellation))
        {
            var time = e.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            switch (e.Type)
            {
                case EventTypes.RoundStarted or EventTypes.TrainingStarted or EventTypes.ValidationStarted or EventTypes.RoundRetried or EventTypes.NodeDropped:
                    console.MarkupLine($"[grey]{time}[/] {Markup.Escape(e.Message)}{(e.Node is null ? "" : " (" + Markup.Escape(await NameOf(e.Node)) + ")")}");
                    break;
                case EventTypes.NodeJoined or EventTypes.UpdateReceived or EventTypes.UpdateScored:
                    console.MarkupLine($"[grey]{time}   {Markup.Escape(await NameOf(e.Node))}: {Markup.Escape(e.Message)}[/]");
                    break;
                case EventTypes.RoundDone:
                    console.MarkupLine($"[grey]{time}[/] [green]{Markup.Escape(e.Message)}[/]");
                    break;
                case EventTypes.JobDone:
                    console.MarkupLine($"[grey]{time}[/] [bold]{Markup.Escape(e.Message)}[/]");
                    return await client.JobAsync(job.Id, cancellation);
            }
        }
        cancellation.ThrowIfCancellationRequested();
        return await client.JobAsync(job.Id, cancellation);
    }

    /// <summary>One row per completed round: nodes, updates accepted, holdout loss and accuracy, test accuracy, duration.</summary>
    public static void RenderSummary(IAnsiConsole console, IReadOnlyList<RoundView> rounds)
    {
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
}
