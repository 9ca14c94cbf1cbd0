using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// `swarm round list|status|join|train|rewards|claim`: rounds by hand (manual mode: join, train, deliver), what a round
/// paid and why, and a node moving its payout into its wallet.
/// </summary>
public static class RoundCommand
{
    public static Command Create(IAnsiConsole console) => new("round", "Find rounds, join and train them by hand, see what they paid, and claim a node's payout.")
    {
        RoundListCommand.Create(console),
        RoundStatusCommand.Create(console),
        RoundJoinCommand.Create(console),
        RoundTrainCommand.Create(console),
        RewardsCommand(console),
        ClaimCommand(console),
    };

    /// <summary>The round-id argument every round command takes.</summary>
    internal static Argument<string> RoundArgument() => new("round-id") { Description = "The round (its job id, -r and its index, e.g. j0123456789ab-r0)" };

    /// <summary>A time as the round commands print it: UTC, to the second.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A status as users type it (open, training, validating, done).</summary>
    internal static string Name(RoundStatus status) => status.ToString().ToLowerInvariant();

    private static Command RewardsCommand(IAnsiConsole console)
    {
        var roundId = RoundArgument();
        var coordinator = JobCommand.CoordinatorOption();
        var json = CommonOptions.Json();
        var command = new Command("rewards", "Show a round's reward receipt: each update's pay with its samples, losses and quality weight, the fees, the total and their ledger entries.\n" +
            "Example: swarm round rewards j0123456789ab-r0 --coordinator http://10.0.0.5:7070")
        {
            roundId, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(roundId)!;
            using var client = Remote.Client(parse.GetValue(coordinator)!);
            var rewards = await Remote.CallAsync(client, $"cannot read the rewards of round {id}", () => client.RoundRewardsAsync(id, cancellation));
            if (parse.GetValue(json))
                CommonOptions.WriteJson(console, rewards);
            else
                InvoiceView.RenderRewards(console, rewards);
            return SwarmApp.Success;
        });
        return command;
    }

    private static Command ClaimCommand(IAnsiConsole console)
    {
        var roundId = RoundArgument();
        var key = WalletCommand.KeyOption("node.pem", "the node that was paid");
        var coordinator = JobCommand.CoordinatorOption();
        var json = CommonOptions.Json();
        var command = new Command("claim", "Move your node's payout for a round from its claimable balance into its wallet (once per round).\n" +
            "Example: swarm round claim j0123456789ab-r0 --key ~/.trainswarm/keys/node.pem --coordinator http://10.0.0.5:7070")
        {
            roundId, key, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(roundId)!;
            using var node = WalletCommand.LoadExisting(parse.GetValue(key)!);
            using var client = Remote.Client(parse.GetValue(coordinator)!, node);
            var w = console.Profile.Out.Writer;
            var asJson = parse.GetValue(json);
            var rewards = await Remote.CallAsync(client, $"cannot read the rewards of round {id}", () => client.RoundRewardsAsync(id, cancellation));
            var line = rewards.Lines.FirstOrDefault(l => l.Node == node.Address);
            if (line is null || line.Payout == 0)
            {
                if (asJson)
                    CommonOptions.WriteJson(console, new { round = id, node = node.Address, status = "nothing", amount = 0L });
                else
                    w.WriteLine($"nothing to claim for {id}: {node.Address} " + (line is null ? "did not deliver an update in it" : "was paid 0 tokens in it"));
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
            if (asJson)
                CommonOptions.WriteJson(console, new { round = id, node = node.Address, outcome.Status, amount = line.Payout, transferId = outcome.Id, outcome.Sequence });
            else if (outcome.Status == "exists")
                w.WriteLine($"already claimed: the {Asset.Format(line.Payout)} tokens of round {id} were moved into the wallet of {node.Address} before (transfer {outcome.Id}"
                    + (outcome.Sequence > 0 ? $", ledger entry #{outcome.Sequence})" : ")"));
            else
                w.WriteLine($"claimed {Asset.Format(line.Payout)} tokens from round {id} into the wallet of {node.Address} (transfer {outcome.Id}, ledger entry #{outcome.Sequence})");
            return SwarmApp.Success;
        });
        return command;
    }
}
