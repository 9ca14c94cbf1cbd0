using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// `swarm job quote|submit|list|status|watch|download|invoice|cancel`: what a job will cost, submitting it with its budget
/// escrowed, following it, its model, its itemized bill, and cancelling it for a refund.
/// </summary>
public static partial class JobCommand
{
    public static Command Create(IAnsiConsole console) => new("job", "Work with training jobs as their creator.")
    {
        QuoteCommand(console),
        SubmitCommand(console),
        JobListCommand.Create(console),
        JobStatusCommand.Create(console),
        JobWatchCommand.Create(console),
        JobDownloadCommand.Create(console),
        InvoiceCommand(console),
        CancelCommand(console),
    };

    private static Command QuoteCommand(IAnsiConsole console)
    {
        var spec = new JobSpecFlags();
        var coordinator = CoordinatorOption();
        var json = CommonOptions.Json();
        var command = new Command("quote", "Ask the coordinator what a job would cost (compute, validator fee, protocol fee) and how long it would take.\n" +
            "The spec is a YAML or JSON file (- reads stdin), or flags, or both (flags override the file's fields).\n" +
            "A missing or unreadable spec file fails (exit 1); a spec that does not parse or breaks a field rule is bad usage (exit 2).\n" +
            "Example: swarm job quote examples/fashion-cnn.yaml --rounds 3 --coordinator http://10.0.0.5:7070")
        {
            coordinator, json,
        };
        spec.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var jobSpec = spec.Resolve(parse, Console.In);
            using var client = Remote.Client(parse.GetValue(coordinator)!);
            var quote = await Remote.CallAsync(client, "the coordinator refused the quote", () => client.QuoteAsync(jobSpec, cancellation));
            if (parse.GetValue(json))
                CommonOptions.WriteJson(console, quote);
            else
                Render(console, jobSpec, quote);
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>--coordinator, defaulting to $TRAINSWARM_COORDINATOR or the local address.</summary>
    internal static Option<string> CoordinatorOption()
    {
        var coordinator = new Option<string>("--coordinator")
        {
            Description = $"Coordinator URL (or set ${NodeCommand.CoordinatorVariable})",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(NodeCommand.CoordinatorVariable) is { Length: > 0 } url ? url : NodeCommand.DefaultCoordinator,
        };
        coordinator.Validators.Add(r =>
        {
            if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                r.AddError("--coordinator must be an http(s) URL such as " + NodeCommand.DefaultCoordinator);
        });
        return coordinator;
    }

    internal static void Render(IAnsiConsole console, JobSpec spec, Quote q)
    {
        var model = spec.Layers is null ? spec.Model : $"custom model ({spec.Layers.Count} layers)";
        console.Profile.Out.Writer.WriteLine($"Quote {q.Id}: {model} on {spec.Dataset}, {spec.Rounds} rounds × {spec.MaxNodes} nodes × H={spec.InnerSteps} × batch {spec.BatchSize}");
        console.Profile.Out.Writer.WriteLine(Invariant(
            $"training: {q.TrainingSamples:N0} samples × {q.TrainingFlopsPerSample:N0} FLOPs each (forward + backward) = {q.ComputeUnits:N0} compute units of 1 GFLOP"));
        var table = new Table().AddColumn("part").AddColumn(new TableColumn("tokens").RightAligned()).AddColumn("how");
        table.AddRow("compute", Asset.Format(q.ComputeCost), Markup.Escape(Invariant(
            $"{q.ComputeUnits:N0} units × {Asset.Format(q.PricePerUnit)}")));
        table.AddRow("validator fee", Asset.Format(q.ValidatorFee), Markup.Escape(Invariant(
            $"{Percent(q.ValidatorFee, q.ComputeCost)} of compute (scoring: {q.ValidationFlops / 1e9:N1} GFLOP)")));
        table.AddRow("protocol fee", Asset.Format(q.ProtocolFee), Markup.Escape($"{Percent(q.ProtocolFee, q.ComputeCost)} of compute"));
        table.AddRow("[bold]total[/]", $"[bold]{Asset.Format(q.Total)}[/]", "the most this job will be billed");
        console.Write(table);
        var w = console.Profile.Out.Writer;
        w.WriteLine($"price: {Asset.Format(q.PricePerUnit)} tokens per compute unit (1 GFLOP of training) = {Asset.Format(q.PricePerGpuHour)} tokens per reference GPU-hour");
        w.WriteLine(q.ExpectedSecondsLow is { } low && q.ExpectedSecondsHigh is { } high
            ? $"expected duration: {Duration(low)} – {Duration(high)} (from {q.NodesConsidered} registered node{(q.NodesConsidered == 1 ? "" : "s")})"
            : "expected duration: unknown, no nodes registered");
        w.WriteLine($"valid until {q.ValidUntil.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC; spec sha256 {q.SpecDigest}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // The fee's share of the compute cost, for people; the quote's integers are the truth.
    private static string Percent(long part, long whole) =>
        whole == 0 ? "0%" : ((double)part / whole).ToString("0.##%", CultureInfo.InvariantCulture);

    /// <summary>"45 s", "2 min 10 s", "3 h 5 min".</summary>
    internal static string Duration(double seconds)
    {
        var s = (long)Math.Round(seconds);
        return s switch
        {
            < 60 => $"{s} s",
            < 3600 => $"{s / 60} min {s % 60} s",
            _ => $"{s / 3600} h {s % 3600 / 60} min",
        };
    }
}
