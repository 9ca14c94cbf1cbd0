using System.Diagnostics;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Devnet;

/// <summary>A job configuration whose final bill is compared with its quote.</summary>
public sealed record QuoteCase(string Name, JobSpec Spec, int Nodes);

/// <summary>What a case was quoted, what it was billed, and how long it took.</summary>
public sealed record QuoteOutcome(QuoteCase Case, Quote Quote, Invoice Invoice, JobView Job, double Seconds)
{
    /// <summary>Final bill / quoted total.</summary>
    public double BillRatio => (double)Invoice.TotalBilled / Quote.Total;
}

/// <summary>
/// Runs whole jobs on fresh devnets and compares each final bill with the binding quote it was submitted under: the
/// devnet's own job and configurations that differ in model, inner steps H and node count.
/// </summary>
public static class QuoteAccuracy
{
    /// <summary>The devnet job, then an mlp at H = 50 on 3 nodes, an mlp at H = 200 on 2 nodes, a cnn at H = 30 on 4 nodes.</summary>
    public static IReadOnlyList<QuoteCase> Cases { get; } =
    [
        new("devnet-cnn-h100-3-nodes", DemoJob.Spec(), 3),
        new("mlp-h50-3-nodes", DemoJob.Spec("mlp", rounds: 3, nodes: 3, innerSteps: 50), 3),
        new("mlp-h200-2-nodes", DemoJob.Spec("mlp", rounds: 2, nodes: 2, innerSteps: 200), 2),
        new("cnn-h30-4-nodes", DemoJob.Spec("cnn", rounds: 2, nodes: 4, innerSteps: 30), 4),
    ];

    /// <summary>Starts a devnet with the case's nodes, quotes the job once they registered, submits it with a budget of exactly the quote, and waits until
    /// it is settled.</summary>
    public static async Task<QuoteOutcome> RunAsync(string datasetDirectory, QuoteCase @case, string folder, CancellationToken cancellation)
    {
        await using var devnet = await Devnet.StartAsync(new DevnetOptions { DataDirectory = folder, Nodes = @case.Nodes, DatasetDirectory = datasetDirectory },
            cancellation);
        using var creator = devnet.CreatorClient();
        var quote = await creator.QuoteAsync(@case.Spec, cancellation);
        var clock = Stopwatch.StartNew();
        var job = await creator.SubmitJobAsync(@case.Spec, quote, quote.Total, SwarmClient.DefaultDeadlineSeconds, cancellation: cancellation);
        while (job.Status == JobStatus.Running)
        {
            await Task.Delay(250, cancellation);
            job = await creator.JobAsync(job.Id, cancellation);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var invoice = await creator.InvoiceAsync(job.Id, cancellation);
        for (var tries = 0; !invoice.Settled && tries < 120; tries++)
        {
            await Task.Delay(250, cancellation);
            invoice = await creator.InvoiceAsync(job.Id, cancellation);
        }
        return new QuoteOutcome(@case, quote, invoice, job, seconds);
    }
}
