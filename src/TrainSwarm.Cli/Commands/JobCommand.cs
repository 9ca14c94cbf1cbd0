using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// `swarm job quote|submit|invoice|cancel`: what a job will cost, submitting it with its budget escrowed, its itemized
/// bill, and cancelling it for a refund.
/// </summary>
public static partial class JobCommand
{
    public static Command Create(IAnsiConsole console) => new("job", "Work with training jobs as their creator.")
    {
        QuoteCommand(console),
        SubmitCommand(console),
        InvoiceCommand(console),
        CancelCommand(console),
    };

    private static Command QuoteCommand(IAnsiConsole console)
    {
        var specPath = new Argument<string>("spec") { Description = "The job spec, a JSON file (fields of JobSpec, camelCase; unnamed fields keep their defaults)" };
        var coordinator = CoordinatorOption();
        var json = CommonOptions.Json();
        var command = new Command("quote", "Ask the coordinator what a job would cost (compute, validator fee, protocol fee) and how long it would take.\n" +
            "A missing or unreadable spec file fails (exit 1); a spec that is not valid JSON or breaks a field rule is bad usage (exit 2).\n" +
            "Example: swarm job quote job.json --coordinator http://10.0.0.5:7070")
        {
            specPath, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var spec = ReadSpec(parse.GetValue(specPath)!);
            var url = new Uri(parse.GetValue(coordinator)!);
            using var client = new SwarmClient(url);
            Quote quote;
            try
            {
                quote = await client.QuoteAsync(spec, cancellation);
            }
            catch (SwarmApiException e)
            {
                throw new CliException($"the coordinator refused the quote: {e.Message}");
            }
            catch (HttpRequestException e)
            {
                throw new CliException($"cannot reach the coordinator at {url}: {e.Message}");
            }
            if (parse.GetValue(json))
                CommonOptions.WriteJson(console, quote);
            else
                Render(console, spec, quote);
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

    /// <summary>Reads and checks a spec file; every problem is one line.</summary>
    internal static JobSpec ReadSpec(string path)
    {
        if (Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml")
            throw new CliException($"the spec file {path} is YAML; only JSON specs are supported (fields of JobSpec, camelCase)", SwarmApp.BadUsage);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the spec file {path}: {e.Message}");
        }
        JobSpec spec;
        try
        {
            spec = SwarmJson.Deserialize<JobSpec>(bytes);
        }
        catch (JsonException e)
        {
            throw new CliException($"the spec file {path} is not a valid job spec: {e.Message}", SwarmApp.BadUsage);
        }
        var errors = JobSpecRules.Validate(spec);
        if (errors.Count > 0)
            throw new CliException($"the spec file {path} has invalid fields: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")), SwarmApp.BadUsage);
        return spec;
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
