using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Cli.Devnet;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench quotes`: for the devnet job and three other configurations, the final bill against the binding quote
/// (goal: within 10%, required: within 15%) and the actual duration against the quoted range.
/// </summary>
public static class QuotesCommand
{
    /// <summary>Builds the `bench quotes` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Folder holding the Fashion-MNIST IDX files" };
        var command = new Command("quotes", "Final bill vs quote and actual vs expected duration, for 4 job configurations on fresh " +
            "devnets.\nExample: swarm bench quotes")
        {
            dataDir,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var dataset = await DatasetSetup.FashionMnistAsync(console, parse.GetValue(dataDir), cancellation);
            foreach (var @case in QuoteAccuracy.Cases)
            {
                var folder = Path.Combine(Path.GetTempPath(), "trainswarm-quotes-" + Guid.NewGuid().ToString("N")[..8]);
                try
                {
                    var o = await QuoteAccuracy.RunAsync(dataset, @case, folder, cancellation);
                    console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
                    {
                        figure = "quote_accuracy", @case = @case.Name, model = @case.Spec.Model, nodes = @case.Nodes, inner_steps = @case.Spec.InnerSteps,
                        rounds = o.Job.RoundsDone, status = o.Job.Status.ToString().ToLowerInvariant(), quoted = o.Quote.Total, billed = o.Invoice.TotalBilled,
                        bill_ratio = Math.Round(o.BillRatio, 4), refund = o.Invoice.Refund, settled = o.Invoice.Settled,
                        expected_seconds_low = o.Quote.ExpectedSecondsLow is { } low ? Math.Round(low, 1) : (double?)null,
                        expected_seconds_high = o.Quote.ExpectedSecondsHigh is { } high ? Math.Round(high, 1) : (double?)null,
                        actual_seconds = Math.Round(o.Seconds, 1),
                    }));
                }
                finally
                {
                    try
                    {
                        Directory.Delete(folder, recursive: true);
                    }
                    catch (IOException)
                    {
                    }
                }
            }
            return SwarmApp.Success;
        });
        return command;
    }
}
