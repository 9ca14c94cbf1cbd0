using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Cli.Commands.Wallet;
using TrainSwarm.Client.Invoices;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>`swarm job submit SPEC`: quotes a spec, then submits it with its budget escrowed from the creator's wallet.</summary>
internal static class SubmitCommand
{
    /// <summary>The `submit` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var spec = new JobSpecFlags();
        var budget = TokenAmount.Option("--budget", "Tokens to reserve from your wallet for the job, e.g. 25.5 (default: the quote's total)");
        var deadline = DurationText.Option("--deadline",
            "The job ends, and what is left of the budget returns, this long after submission: 90s, 30m, 2h, 1d …",
            "1d", Bounds.MinDeadlineSeconds, Bounds.MaxDeadlineSeconds);
        var partial = new Option<bool>("--partial") { Description = "Accept a budget below the quote: the job trains until the budget is spent" };
        var watch = new Option<bool>("--watch") { Description = "Follow the job until it ends, then print its invoice" };
        var key = context.KeyOption("wallet.pem", "the creator's key; registered as a creator when new");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("submit",
            "Quote a job spec, then submit it, reserving its budget from your wallet (escrow); unspent tokens return when the job ends.\n" +
            "The spec is a YAML or JSON file (- reads stdin), or flags, or both (flags override the file's fields).\n" +
            "A budget below the quote's total is refused unless --partial is given.\n" +
            "Example: swarm job submit examples/fashion-cnn.yaml --budget 25 --deadline 2h --watch " +
            "--key ~/.trainswarm/keys/wallet.pem --coordinator http://10.0.0.5:7070")
        {
            budget, deadline, partial, watch, key, coordinator, json,
        };
        spec.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var console = context.Console;
            var jobSpec = spec.Resolve(parse, Console.In);
            long? budgetUnits = parse.GetValue(budget) is { } text ? TokenAmount.Parse(text, "--budget") : null;
            var deadlineSeconds = DurationText.Parse(parse.GetValue(deadline)!, "--deadline", Bounds.MinDeadlineSeconds, Bounds.MaxDeadlineSeconds);
            var isPartial = parse.GetValue(partial);
            var asJson = parse.GetValue(json);
            using var creator = context.LoadKey(parse.GetValue(key)!);
            using var client = context.Client(parse.GetValue(coordinator)!, creator);
            var w = context.Out;

            // Price first: a budget below the quote fails before anything is registered or printed.
            var quote = await Remote.CallAsync(client, "the coordinator refused the quote", () => client.QuoteAsync(jobSpec, cancellation));
            var reserve = budgetUnits ?? quote.Total;
            if (reserve < quote.Total && !isPartial)
                throw new CliException($"budget {Asset.Format(reserve)} is below the quote's total {Asset.Format(quote.Total)} tokens; "
                    + "raise --budget, or pass --partial to train until the budget is spent");
            if (await Registration.EnsureRegisteredAsync(client, "creator", false, cancellation) && !asJson)
                w.WriteLine($"registered {creator.Address} as a creator");
            if (!asJson)
                QuoteView.Render(console, jobSpec, quote);

            var job = await Remote.CallAsync(client, "the coordinator refused the job",
                () => client.SubmitJobAsync(jobSpec, quote, reserve, deadlineSeconds, isPartial, cancellation));
            var billing = job.Billing;
            if (!asJson)
            {
                w.WriteLine($"job {job.Id} submitted by {creator.Address}");
                w.WriteLine($"reserved: {Asset.Format(billing?.Budget ?? reserve)} tokens from the wallet "
                    + $"(escrow {billing?.EscrowTransferId}; the quote's total is {Asset.Format(quote.Total)})"
                    + (isPartial ? "; partial budget: the job trains until it is spent" : ""));
                var due = billing?.Deadline ?? job.CreatedAt.AddSeconds(deadlineSeconds);
                w.WriteLine($"deadline: {due.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC "
                    + $"(in {QuoteView.Duration(deadlineSeconds)}); what is left of the budget returns to the wallet when the job ends");
            }
            if (!parse.GetValue(watch))
            {
                context.Output(job, asJson, j => w.WriteLine($"see its bill any time: swarm job invoice {j.Id}; cancel it: swarm job cancel {j.Id}"));
                return SwarmApp.Success;
            }

            var progress = asJson ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }) : console;
            var ended = await Remote.CallAsync(client, $"lost track of job {job.Id}",
                () => JobProgress.FollowAsync(progress, client, job, JobFollowMode.LinesWithProgress, cancellation));
            var invoice = await InvoiceText.WaitSettledAsync(client, job.Id, TimeSpan.FromSeconds(15), cancellation);
            var statement = InvoiceStatement.From(invoice);
            context.Output(new { job = ended, invoice }, asJson, _ =>
            {
                InvoiceText.Render(console, statement);
                w.WriteLine(statement.RefundLine);
            });
            return ended.Status == JobStatus.Completed && statement.Balanced ? SwarmApp.Success : SwarmApp.Failure;
        });
        return command;
    }
}
