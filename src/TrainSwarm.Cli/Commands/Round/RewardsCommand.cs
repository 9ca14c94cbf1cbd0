using System.CommandLine;

namespace TrainSwarm.Cli.Commands.Round;

/// <summary>`swarm round rewards ID`: a round's reward receipt, every update's pay and why.</summary>
internal static class RewardsCommand
{
    /// <summary>The `rewards` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var roundId = IdArguments.RoundId();
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("rewards", "Show a round's reward receipt: each update's pay with its samples, losses and quality weight, the fees, " +
            "the total and their ledger entries.\n" +
            "Example: swarm round rewards j0123456789ab-r0 --coordinator http://10.0.0.5:7070")
        {
            roundId, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(roundId)!;
            using var client = context.Client(parse.GetValue(coordinator)!);
            var rewards = await Remote.CallAsync(client, $"cannot read the rewards of round {id}", () => client.RoundRewardsAsync(id, cancellation));
            // The job's kind says which held-out metric the lines are in.
            var kind = parse.GetValue(json) ? null
                : (await Remote.CallAsync(client, $"cannot read job {rewards.JobId}", () => client.JobAsync(rewards.JobId, cancellation))).Spec.Kind;
            context.Output(rewards, parse.GetValue(json), r => RewardsView.Render(context.Console, r, kind));
            return SwarmApp.Success;
        });
        return command;
    }
}
