using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Dataset;

/// <summary>`swarm dataset delete ID`: deletes a dataset you uploaded; refused while a running job trains on it.</summary>
internal static class DeleteCommand
{
    /// <summary>The `delete` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var id = ShowCommand.DatasetArgument("The dataset to delete");
        var key = context.KeyOption("wallet.pem", "the dataset's owner");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("delete", "Delete a dataset you uploaded (refused while a running job uses it).\n"
            + "Example: swarm dataset delete ds0123456789abcdef0123456789abcdef") { id, key, coordinator, json };
        command.SetAction(async (parse, cancellation) =>
        {
            var dataset = parse.GetValue(id)!;
            using var owner = context.LoadKey(parse.GetValue(key)!);
            using var client = context.Client(parse.GetValue(coordinator)!, owner);
            var view = await Remote.CallAsync(client, $"cannot delete dataset {dataset}", () => client.DeleteDatasetAsync(dataset, cancellation));
            context.Output(view, parse.GetValue(json), v => context.WriteLine($"dataset {v.Manifest.Id} ({v.Manifest.Name}) deleted"));
            return SwarmApp.Success;
        });
        return command;
    }
}
