using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>`swarm job quote SPEC`: what a job would cost and how long it would take, without submitting it.</summary>
internal static class QuoteCommand
{
    /// <summary>The `quote` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var spec = new JobSpecFlags();
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("quote",
            "Ask the coordinator what a job would cost (compute, validator fee, protocol fee) and how long it would take.\n" +
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
            using var client = context.Client(parse.GetValue(coordinator)!);
            var quote = await Remote.CallAsync(client, "the coordinator refused the quote", () => client.QuoteAsync(jobSpec, cancellation));
            context.Output(quote, parse.GetValue(json), q => QuoteView.Render(context.Console, jobSpec, q));
            return SwarmApp.Success;
        });
        return command;
    }
}
