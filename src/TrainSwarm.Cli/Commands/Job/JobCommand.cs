using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>
/// `swarm job quote|submit|list|status|watch|download|invoice|cancel`: what a job will cost, submitting it with its budget
/// escrowed, following it, its model, its itemized bill, and cancelling it for a refund. One verb per file beside this one.
/// </summary>
public static class JobCommand
{
    /// <summary>The `job` noun and its verbs, all built with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context) => new("job", "Work with training jobs as their creator.")
    {
        QuoteCommand.Create(context),
        SubmitCommand.Create(context),
        ListCommand.Create(context),
        StatusCommand.Create(context),
        WatchCommand.Create(context),
        DownloadCommand.Create(context),
        InvoiceCommand.Create(context),
        CancelCommand.Create(context),
    };
}
