using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Round;

/// <summary>One row of `swarm round list` (its --json shape): a round and what joining it asks and pays, in micro-tokens.</summary>
public sealed record RoundListRow(
    string Id, string JobId, int Index, int Attempt, RoundStatus Status, string Dataset, string Model,
    int Participants, int MaxNodes, long ExpectedReward, long Stake, DateTimeOffset PhaseDeadline);

/// <summary>`swarm round list`: the rounds a node could join (or watch), with their pay and stake.</summary>
public static class ListCommand
{
    private static readonly string[] Statuses = ["open", "training", "validating", "done"];

    /// <summary>Builds the `round list` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var status = new Option<string?>("--status") { Description = "Only rounds in this phase: open, training, validating or done" };
        status.AcceptOnlyFromAmong(Statuses);
        var job = IdArguments.JobIdOption("--job", "Only the rounds of this job");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("list", "List rounds (the current attempt of each): job, index, attempt, phase, dataset, nodes joined of the maximum, " +
            "expected reward per update, the stake a join locks, and the phase deadline.\n" +
            "Example: swarm round list --status open --coordinator http://10.0.0.5:7070")
        {
            status, job, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            RoundStatus? filter = parse.GetValue(status) is { } s ? Enum.Parse<RoundStatus>(s, ignoreCase: true) : null;
            var jobId = parse.GetValue(job);
            using var client = context.Client(parse.GetValue(coordinator)!);
            var info = await Remote.CallAsync(client, "cannot read the coordinator's info", () => client.InfoAsync(cancellation));
            var rounds = await Remote.CallAsync(client, "cannot list the rounds", () => client.RoundsAsync(filter, jobId, cancellation));
            var rows = rounds.OrderBy(r => r.OpenedAt).ThenBy(r => r.Id, StringComparer.Ordinal)
                .Select(r => new RoundListRow(r.Id, r.JobId, r.Index, r.Attempt, r.Status, r.Dataset, r.Model, r.Participants.Count, r.MaxNodes,
                    r.ExpectedReward ?? 0, info.StakePerRound, r.PhaseDeadline))
                .ToList();
            context.Output(rows, parse.GetValue(json), r => Render(console, r, filter, jobId));
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>The rounds as a table, or one line saying there are none (of that phase, of that job).</summary>
    private static void Render(IAnsiConsole console, IReadOnlyList<RoundListRow> rows, RoundStatus? filter, string? jobId)
    {
        if (rows.Count == 0)
        {
            CommonOptions.WriteLine(console, "no rounds" + (filter is { } f ? $" {RoundText.Name(f)}" : "") + (jobId is null ? "" : $" of job {jobId}"));
            return;
        }
        var table = new Table()
            .AddColumn(new TableColumn("round").NoWrap()).AddColumn(new TableColumn("job").NoWrap())
            .AddColumn(new TableColumn("index").RightAligned()).AddColumn(new TableColumn("attempt").RightAligned())
            .AddColumn("status").AddColumn("dataset").AddColumn(new TableColumn("nodes").RightAligned())
            .AddColumn(new TableColumn("expected reward").RightAligned()).AddColumn(new TableColumn("stake").RightAligned())
            .AddColumn(new TableColumn("deadline").NoWrap());
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape(r.Id), Markup.Escape(r.JobId), r.Index.ToString(CultureInfo.InvariantCulture),
                r.Attempt.ToString(CultureInfo.InvariantCulture), RoundText.Name(r.Status), Markup.Escape(r.Dataset), $"{r.Participants}/{r.MaxNodes}",
                Asset.Format(r.ExpectedReward), Asset.Format(r.Stake), RoundText.Time(r.PhaseDeadline));
        }
        console.Write(table);
    }
}
