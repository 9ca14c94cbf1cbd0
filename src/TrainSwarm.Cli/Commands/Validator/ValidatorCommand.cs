using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Validator;

/// <summary>`swarm validator start`: running a validator; one verb per file.</summary>
public static class ValidatorCommand
{
    /// <summary>The `validator` command group.</summary>
    public static Command Create(CommandContext context) =>
        new("validator", "Run a validator: score updates on the holdout, aggregate, post signed round results.")
        {
            StartCommand.Create(context),
        };
}
