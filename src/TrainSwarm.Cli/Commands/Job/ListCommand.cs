using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>`swarm job list`: every job on the coordinator, newest first, one row each.</summary>
internal static class ListCommand
{
    /// <summary>Job statuses as typed on the command line (the wire's kebab-case names).</summary>
    internal static readonly string[] Statuses = [.. Enum.GetValues<JobStatus>().Select(s => s.ToString().ToLowerInvariant())];

    /// <summary>Builds the `job list` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var status = new Option<string?>("--status") { Description = "Only jobs in this state: " + string.Join(", ", Statuses) };
        status.AcceptOnlyFromAmong(Statuses);
        var creator = new Option<string?>("--creator") { Description = "Only jobs submitted by this address (ts1…)" };
        creator.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !Protocol.Identity.Address.IsWellFormed(r.Tokens[0].Value))
                r.AddError($"--creator must be an address (ts1 + 40 lowercase hex characters), not '{r.Tokens[0].Value}'");
        });
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("list", "List jobs, newest first: name, model, dataset, status, rounds done, accuracy, budget and what was billed " +
            "so far.\n" +
            "Example: swarm job list --status running --coordinator http://10.0.0.5:7070")
        {
            status, creator, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            using var client = context.Client(parse.GetValue(coordinator)!);
            var jobs = await Remote.CallAsync(client, "cannot list the jobs", () => client.JobsAsync(cancellation));
            var wanted = parse.GetValue(status);
            var by = parse.GetValue(creator);
            var shown = jobs.Where(j => (wanted is null || j.Status.ToString().Equals(wanted, StringComparison.OrdinalIgnoreCase))
                && (by is null || j.Creator == by)).ToList();
            context.Output(shown, parse.GetValue(json), jobs => Render(console, jobs, wanted));
            return SwarmApp.Success;
        });
        return command;
    }

    internal static void Render(IAnsiConsole console, IReadOnlyList<JobView> jobs, string? status)
    {
        if (jobs.Count == 0)
        {
            CommonOptions.WriteLine(console, status is null ? "no jobs yet; submit one with: swarm job submit SPEC" : $"no {status} jobs");
            return;
        }
        var table = new Table()
            .AddColumn(new TableColumn("id").NoWrap()).AddColumn("name").AddColumn("model").AddColumn("dataset").AddColumn("status")
            .AddColumn(new TableColumn("rounds").RightAligned()).AddColumn(new TableColumn("test acc").RightAligned())
            .AddColumn(new TableColumn("budget").RightAligned()).AddColumn(new TableColumn("billed").RightAligned())
            .AddColumn(new TableColumn("created (UTC)").NoWrap());
        foreach (var j in jobs)
            table.AddRow(
                j.Id, Markup.Escape(j.Spec.Name), JobText.ModelName(j.Spec), j.Spec.Dataset, j.Status.ToString().ToLowerInvariant(),
                $"{j.RoundsDone}/{j.Spec.Rounds}", JobText.Accuracy(j.LastMetrics?.TestAccuracy),
                j.Billing is { } b ? Asset.Format(b.Budget) : "-", j.Billing is { } s ? Asset.Format(s.Spent) : "-",
                JobText.Time(j.CreatedAt));
        console.Write(table);
        CommonOptions.WriteLine(console, $"{jobs.Count} job{(jobs.Count == 1 ? "" : "s")}; details: swarm job status ID");
    }
}
