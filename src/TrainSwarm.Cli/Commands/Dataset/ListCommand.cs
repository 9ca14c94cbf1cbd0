using System.CommandLine;
using TrainSwarm.Cli.Commands.Dataset.Shared;

namespace TrainSwarm.Cli.Commands.Dataset;

/// <summary>`swarm dataset list [--all]`: your uploaded datasets (or everyone's), newest first, one line each.</summary>
internal static class ListCommand
{
    /// <summary>The `list` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var all = new Option<bool>("--all") { Description = "Everyone's datasets, not only those of --key" };
        var key = context.KeyOption("wallet.pem", "whose datasets to list");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("list", "List uploaded datasets, newest first.\nExample: swarm dataset list") { all, key, coordinator, json };
        command.SetAction(async (parse, cancellation) =>
        {
            string? owner = null;
            if (!parse.GetValue(all))
            {
                using var mine = context.LoadKey(parse.GetValue(key)!);
                owner = mine.Address;
            }
            using var client = context.Client(parse.GetValue(coordinator)!);
            var views = await Remote.CallAsync(client, "cannot list datasets", () => client.DatasetsAsync(owner, cancellation));
            context.Output(views, parse.GetValue(json), v =>
            {
                if (v.Count == 0)
                    context.WriteLine("no datasets; upload one with: swarm dataset upload FILE");
                foreach (var view in v)
                    context.WriteLine(DatasetText.Summary(view));
            });
            return SwarmApp.Success;
        });
        return command;
    }
}
