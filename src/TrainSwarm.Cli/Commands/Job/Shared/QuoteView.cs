using System.Globalization;
using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>A quote for people, as `job quote` and `job submit` print it; and durations as the job verbs write them.</summary>
internal static class QuoteView
{
    /// <summary>The job in one line, how its compute is counted, the price table, the price per GPU-hour and the duration.</summary>
    public static void Render(IAnsiConsole console, JobSpec spec, Quote q)
    {
        var w = console.Profile.Out.Writer;
        var model = spec.Layers is null ? spec.Model : $"custom model ({spec.Layers.Count} layers)";
        var rl = spec.RlSettings;
        w.WriteLine(spec.IsLm
            ? $"Quote {q.Id}: {LmJobText.Describe(spec)}"
            : spec.IsGrpo
            ? $"Quote {q.Id}: {GrpoJobText.Describe(spec)}"
            : spec.IsRl
            ? $"Quote {q.Id}: rl {rl.Preset} on {rl.Environment}, {spec.Rounds} rounds × {spec.MaxNodes} nodes × {rl.RolloutsPerRound} rollouts "
              + $"of {rl.RolloutSize} env steps"
            : $"Quote {q.Id}: {model} on {spec.Dataset}, {spec.Rounds} rounds × {spec.MaxNodes} nodes × H={spec.InnerSteps} × batch {spec.BatchSize}");
        w.WriteLine(spec.IsLm
            ? Invariant($"training: {q.TrainingSamples:N0} tokens × {q.TrainingFlopsPerSample:N0} FLOPs each (6N + attention, forward + backward) = ")
              + Invariant($"{q.ComputeUnits:N0} compute units of 1 GFLOP")
            : spec.IsGrpo
            ? Invariant($"training: {q.TrainingSamples:N0} sequence tokens × {q.TrainingFlopsPerSample:N0} FLOPs each (sampling, two scoring passes, ")
              + Invariant($"{spec.GrpoSettings.InnerEpochs} × forward + backward) = {q.ComputeUnits:N0} compute units of 1 GFLOP")
            : spec.IsRl
            ? Invariant($"training: {q.TrainingSamples:N0} env steps × {q.TrainingFlopsPerSample:N0} FLOPs each (acting + {rl.Epochs} PPO epochs) = ")
              + Invariant($"{q.ComputeUnits:N0} compute units of 1 GFLOP")
            : Invariant($"training: {q.TrainingSamples:N0} samples × {q.TrainingFlopsPerSample:N0} FLOPs each (forward + backward) = ")
              + Invariant($"{q.ComputeUnits:N0} compute units of 1 GFLOP"));
        var table = new Table().AddColumn("part").AddColumn(new TableColumn("tokens").RightAligned()).AddColumn("how");
        table.AddRow("compute", Asset.Format(q.ComputeCost), Markup.Escape(Invariant(
            $"{q.ComputeUnits:N0} units × {Asset.Format(q.PricePerUnit)}")));
        table.AddRow("validator fee", Asset.Format(q.ValidatorFee), Markup.Escape(Invariant(
            $"{Percent(q.ValidatorFee, q.ComputeCost)} of compute (scoring: {q.ValidationFlops / 1e9:N1} GFLOP)")));
        table.AddRow("protocol fee", Asset.Format(q.ProtocolFee), Markup.Escape($"{Percent(q.ProtocolFee, q.ComputeCost)} of compute"));
        table.AddRow("[bold]total[/]", $"[bold]{Asset.Format(q.Total)}[/]", "the most this job will be billed");
        console.Write(table);
        w.WriteLine($"price: {Asset.Format(q.PricePerUnit)} tokens per compute unit (1 GFLOP of training) = {Asset.Format(q.PricePerGpuHour)} tokens " +
            $"per reference GPU-hour");
        w.WriteLine(q.ExpectedSecondsLow is { } low && q.ExpectedSecondsHigh is { } high
            ? $"expected duration: {Duration(low)} – {Duration(high)} (from {q.NodesConsidered} registered node{(q.NodesConsidered == 1 ? "" : "s")})"
            : "expected duration: unknown, no nodes registered");
        w.WriteLine($"valid until {q.ValidUntil.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC; spec sha256 {q.SpecDigest}");
    }

    /// <summary>"45 s", "2 min 10 s", "3 h 5 min".</summary>
    public static string Duration(double seconds)
    {
        var s = (long)Math.Round(seconds);
        return s switch
        {
            < 60 => $"{s} s",
            < 3600 => $"{s / 60} min {s % 60} s",
            _ => $"{s / 3600} h {s % 3600 / 60} min",
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // The fee's share of the compute cost, for people; the quote's integers are the truth.
    private static string Percent(long part, long whole) =>
        whole == 0 ? "0%" : ((double)part / whole).ToString("0.##%", CultureInfo.InvariantCulture);
}
