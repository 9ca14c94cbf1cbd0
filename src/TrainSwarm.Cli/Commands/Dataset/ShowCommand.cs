using System.CommandLine;
using TrainSwarm.Cli.Commands.Dataset.Shared;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Dataset;

/// <summary>`swarm dataset show ID`: one dataset's manifest: shape, classes, the holdout and every shard with its SHA-256, its jobs.</summary>
internal static class ShowCommand
{
    /// <summary>The `show` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var id = DatasetArgument("The dataset to show");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("show", "Show a dataset's manifest.\nExample: swarm dataset show ds0123456789abcdef0123456789abcdef")
        {
            id, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var dataset = parse.GetValue(id)!;
            using var client = context.Client(parse.GetValue(coordinator)!);
            var view = await Remote.CallAsync(client, $"cannot show dataset {dataset}", () => client.DatasetAsync(dataset, cancellation));
            context.Output(view, parse.GetValue(json), v =>
            {
                foreach (var line in DatasetText.Manifest(v))
                    context.WriteLine(line);
            });
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>A dataset id argument, checked before anything is sent.</summary>
    internal static Argument<string> DatasetArgument(string description)
    {
        var argument = new Argument<string>("ID") { Description = description };
        argument.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!DatasetIds.IsValid(value))
                result.AddError($"'{value}' is not a dataset id ({DatasetIds.Format})");
        });
        return argument;
    }
}
