using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Dataset;

/// <summary>
/// `swarm dataset upload|list|show|delete`: a creator's own datasets on the coordinator; `fetch|catalog`: the named ones.
/// One verb per file beside this one.
/// </summary>
public static class DatasetCommand
{
    /// <summary>The `dataset` noun and its verbs, all built with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context) => new("dataset", "Upload your own datasets and manage them; fetch the named ones.")
    {
        UploadCommand.Create(context),
        ListCommand.Create(context),
        ShowCommand.Create(context),
        DeleteCommand.Create(context),
        FetchCommand.Create(context),
        CatalogCommand.Create(context),
    };
}
