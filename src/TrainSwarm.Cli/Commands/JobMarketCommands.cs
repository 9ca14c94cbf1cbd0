using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>`swarm job submit|invoice|cancel`: the money side of a job, as its creator sees it.</summary>
public static partial class JobCommand
{
    /// <summary>The shortest and longest deadlines the coordinator accepts (5 s to 30 days).</summary>
    private const int MinDeadline = 5, MaxDeadline = 30 * 86_400;

    private static Command SubmitCommand(IAnsiConsole console)
    {
        var spec = new JobSpecFlags();
        var budget = TokenAmount.Option("--budget", "Tokens to reserve from your wallet for the job, e.g. 25.5 (default: the quote's total)");
        var deadline = DurationText.Option("--deadline", "The job ends, and what is left of the budget returns, this long after submission: 90s, 30m, 2h, 1d …",
            "1d", MinDeadline, MaxDeadline);
        var partial = new Option<bool>("--partial") { Description = "Accept a budget below the quote: the job trains until the budget is spent" };
        var watch = new Option<bool>("--watch") { Description = "Follow the job until it ends, then print its invoice" };
        var key = WalletCommand.KeyOption("wallet.pem", "the creator's key; registered as a creator when new");
        var coordinator = CoordinatorOption();
        var json = CommonOptions.Json();
        var command = new Command("submit", "Quote a job spec, then submit it, reserving its budget from your wallet (escrow); unspent tokens return when the job ends.\n" +
            "The spec is a YAML or JSON file (- reads stdin), or flags, or both (flags override the file's fields).\n" +
            "A budget below the quote's total is refused unless --partial is given.\n" +
            "Example: swarm job submit examples/fashion-cnn.yaml --budget 25 --deadline 2h --watch --key ~/.trainswarm/keys/wallet.pem --coordinator http://10.0.0.5:7070")
        {
            budget, deadline, partial, watch, key, coordinator, json,
        };
        spec.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var jobSpec = spec.Resolve(parse, Console.In);
            long? budgetUnits = parse.GetValue(budget) is { } text ? TokenAmount.Parse(text, "--budget") : null;
            var deadlineSeconds = DurationText.Parse(parse.GetValue(deadline)!, "--deadline", MinDeadline, MaxDeadline);
            var isPartial = parse.GetValue(partial);
            var asJson = parse.GetValue(json);
            using var creator = WalletCommand.LoadExisting(parse.GetValue(key)!);
            using var client = Remote.Client(parse.GetValue(coordinator)!, creator);
            var w = console.Profile.Out.Writer;

            // Price first: a budget below the quote fails before anything is registered or printed.
            var quote = await Remote.CallAsync(client, "the coordinator refused the quote", () => client.QuoteAsync(jobSpec, cancellation));
            var reserve = budgetUnits ?? quote.Total;
            if (reserve < quote.Total && !isPartial)
                throw new CliException(
                    $"budget {Asset.Format(reserve)} is below the quote's total {Asset.Format(quote.Total)} tokens; raise --budget, or pass --partial to train until the budget is spent");
            if (await WalletCommand.EnsureRegisteredAsync(client, "creator", false, cancellation) && !asJson)
                w.WriteLine($"registered {creator.Address} as a creator");
            if (!asJson)
                Render(console, jobSpec, quote);

            var job = await Remote.CallAsync(client, "the coordinator refused the job",
                () => client.SubmitJobAsync(jobSpec, quote, reserve, deadlineSeconds, isPartial, cancellation));
            var billing = job.Billing;
            if (!asJson)
            {
                w.WriteLine($"job {job.Id} submitted by {creator.Address}");
                w.WriteLine($"reserved: {Asset.Format(billing?.Budget ?? reserve)} tokens from the wallet (escrow {billing?.EscrowTransferId}; the quote's total is {Asset.Format(quote.Total)})"
                    + (isPartial ? "; partial budget: the job trains until it is spent" : ""));
                var due = billing?.Deadline ?? job.CreatedAt.AddSeconds(deadlineSeconds);
                w.WriteLine($"deadline: {due.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC (in {Duration(deadlineSeconds)}); "
                    + "what is left of the budget returns to the wallet when the job ends");
            }
            if (!parse.GetValue(watch))
            {
                if (asJson)
                    CommonOptions.WriteJson(console, job);
                else
                    w.WriteLine($"see its bill any time: swarm job invoice {job.Id}; cancel it: swarm job cancel {job.Id}");
                return SwarmApp.Success;
            }

            var progress = asJson ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }) : console;
            var ended = await Remote.CallAsync(client, $"lost track of job {job.Id}", () => JobProgress.FollowAsync(progress, client, job, JobFollowMode.LinesWithProgress, cancellation));
            var invoice = await InvoiceView.WaitSettledAsync(client, job.Id, TimeSpan.FromSeconds(15), cancellation);
            if (asJson)
                CommonOptions.WriteJson(console, new { job = ended, invoice });
            else
            {
                InvoiceView.Render(console, invoice);
                w.WriteLine(InvoiceView.RefundLine(invoice));
            }
            return ended.Status == JobStatus.Completed && InvoiceView.Balanced(invoice) ? SwarmApp.Success : SwarmApp.Failure;
        });
        return command;
    }

    private static Command InvoiceCommand(IAnsiConsole console)
    {
        var jobId = new Argument<string>("job-id") { Description = "The job (j + 12 hex characters)" };
        var html = new Option<string?>("--html") { Description = "Also write the invoice as a printable HTML page to this file" };
        var coordinator = CoordinatorOption();
        var json = CommonOptions.Json();
        var command = new Command("invoice", "Show a job's itemized bill: the quote, the reservation, each round's payouts and fees with their ledger entries, the totals and the refund.\n" +
            "Example: swarm job invoice j0123456789ab --html invoice.html --coordinator http://10.0.0.5:7070")
        {
            jobId, html, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(jobId)!;
            using var client = Remote.Client(parse.GetValue(coordinator)!);
            var invoice = await Remote.CallAsync(client, $"cannot read the invoice of job {id}", () => client.InvoiceAsync(id, cancellation));
            var htmlPath = parse.GetValue(html);
            if (htmlPath is not null)
            {
                htmlPath = Path.GetFullPath(htmlPath);
                try
                {
                    await File.WriteAllTextAsync(htmlPath, InvoiceView.Html(invoice), cancellation);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"cannot write the invoice to {htmlPath}: {e.Message}");
                }
            }
            if (parse.GetValue(json))
                CommonOptions.WriteJson(console, invoice);
            else if (htmlPath is not null)
                console.Profile.Out.Writer.WriteLine($"wrote the invoice of job {invoice.JobId} to {htmlPath}");
            else
            {
                InvoiceView.Render(console, invoice);
                console.Profile.Out.Writer.WriteLine(InvoiceView.RefundLine(invoice));
            }
            return SwarmApp.Success;
        });
        return command;
    }

    private static Command CancelCommand(IAnsiConsole console)
    {
        var jobId = new Argument<string>("job-id") { Description = "The job to cancel (j + 12 hex characters)" };
        var key = WalletCommand.KeyOption("wallet.pem", "the job's creator");
        var coordinator = CoordinatorOption();
        var json = CommonOptions.Json();
        var command = new Command("cancel", "Cancel a running job you created; what is left of its budget returns to your wallet.\n" +
            "Example: swarm job cancel j0123456789ab --key ~/.trainswarm/keys/wallet.pem --coordinator http://10.0.0.5:7070")
        {
            jobId, key, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(jobId)!;
            using var creator = WalletCommand.LoadExisting(parse.GetValue(key)!);
            using var client = Remote.Client(parse.GetValue(coordinator)!, creator);
            var job = await Remote.CallAsync(client, $"cannot cancel job {id}", () => client.CancelJobAsync(id, cancellation));
            var invoice = await InvoiceView.WaitSettledAsync(client, job.Id, TimeSpan.FromSeconds(10), cancellation);
            if (parse.GetValue(json))
            {
                CommonOptions.WriteJson(console, new { job, invoice });
                return SwarmApp.Success;
            }
            var w = console.Profile.Out.Writer;
            w.WriteLine($"job {job.Id} {job.Status.ToString().ToLowerInvariant()}: {job.StatusReason}");
            w.WriteLine($"billed: {Asset.Format(invoice.TotalBilled)} tokens for {invoice.Rounds.Count} round{(invoice.Rounds.Count == 1 ? "" : "s")} paid");
            w.WriteLine(InvoiceView.RefundLine(invoice));
            if (!invoice.Settled)
                w.WriteLine($"the refund is not committed yet; check later with: swarm job invoice {job.Id}");
            return SwarmApp.Success;
        });
        return command;
    }
}
