using System.CommandLine;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Commands.Round;

/// <summary>`swarm round claim ID`: a node moving its payout for a round from claimable into its wallet.</summary>
internal static class ClaimCommand
{
    /// <summary>The `claim` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var roundId = IdArguments.RoundId();
        var key = context.KeyOption("node.pem", "the node that was paid");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("claim", "Move your node's payout for a round from its claimable balance into its wallet (once per round).\n" +
            "Example: swarm round claim j0123456789ab-r0 --key ~/.trainswarm/keys/node.pem --coordinator http://10.0.0.5:7070")
        {
            roundId, key, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(roundId)!;
            using var node = context.LoadKey(parse.GetValue(key)!);
            using var client = context.Client(parse.GetValue(coordinator)!, node);
            var w = context.Out;
            var asJson = parse.GetValue(json);
            var rewards = await Remote.CallAsync(client, $"cannot read the rewards of round {id}", () => client.RoundRewardsAsync(id, cancellation));
            var line = rewards.Lines.FirstOrDefault(l => l.Node == node.Address);
            if (line is null || line.Payout == 0)
            {
                context.Output(new { round = id, node = node.Address, status = "nothing", amount = 0L }, asJson, _ =>
                    w.WriteLine($"nothing to claim for {id}: {node.Address} " + (line is null
                        ? "did not deliver an update in it" : "was paid 0 tokens in it")));
                return SwarmApp.Success;
            }
            if (line.Sequence == 0)
                throw new CliException($"the payout of round {id} to {node.Address} is not committed to the ledger yet; try again in a moment");
            var outcome = await Remote.CallAsync(client, $"the claim for round {id} was refused", () => client.ClaimAsync(id, cancellation));
            if (outcome is null)
            {
                w.WriteLine($"nothing to claim for {id}");
                return SwarmApp.Success;
            }
            var claim = new { round = id, node = node.Address, outcome.Status, amount = line.Payout, transferId = outcome.Id, outcome.Sequence };
            context.Output(claim, asJson, _ => w.WriteLine(outcome.Status == "exists"
                ? $"already claimed: the {Asset.Format(line.Payout)} tokens of round {id} were moved into the wallet of {node.Address} before "
                  + $"(transfer {outcome.Id}" + (outcome.Sequence > 0 ? $", ledger entry #{outcome.Sequence})" : ")")
                : $"claimed {Asset.Format(line.Payout)} tokens from round {id} into the wallet of {node.Address} "
                  + $"(transfer {outcome.Id}, ledger entry #{outcome.Sequence})"));
            return SwarmApp.Success;
        });
        return command;
    }
}
