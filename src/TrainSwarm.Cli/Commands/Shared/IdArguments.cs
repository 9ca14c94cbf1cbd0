using System.CommandLine;
using System.CommandLine.Parsing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// The job-id and round-id arguments (and the --job option) of every command that names a job or a round, checked
/// when the command line is parsed with the Protocol's <see cref="JobIds"/>: a malformed id is one line and bad usage
/// (exit 2), before anything talks to the coordinator.
/// </summary>
internal static class IdArguments
{
    /// <summary>A `job-id` argument described by <paramref name="description"/> and the id's format.</summary>
    public static Argument<string> JobId(string description)
    {
        var argument = new Argument<string>("job-id") { Description = description + " (j + 12 hex characters)" };
        argument.Validators.Add(r => CheckJobId(r, r.Tokens.Count > 0 ? r.Tokens[0].Value : ""));
        return argument;
    }

    /// <summary>An optional job-id option such as `--job ID`, checked like <see cref="JobId"/> when it is given.</summary>
    public static Option<string?> JobIdOption(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "ID" };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0)
                CheckJobId(r, r.Tokens[0].Value);
        });
        return option;
    }

    /// <summary>The `round-id` argument every round command takes.</summary>
    public static Argument<string> RoundId()
    {
        var argument = new Argument<string>("round-id") { Description = "The round (its job id, -r and its index, e.g. j0123456789ab-r0)" };
        argument.Validators.Add(r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!JobIds.IsValidRound(text))
                r.AddError($"'{text}' is not a round id (a job id, -r and the round's index, e.g. j0123456789ab-r0, as swarm round list shows)");
        });
        return argument;
    }

    private static void CheckJobId(SymbolResult result, string text)
    {
        if (!JobIds.IsValid(text))
            result.AddError($"'{text}' is not a job id ({JobIds.JobFormat}, as swarm job list shows)");
    }
}
