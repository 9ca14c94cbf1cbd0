using System.CommandLine;
using System.Net;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Node;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Round;

/// <summary>`swarm round join`: a node takes a place in an open round by hand (its stake is locked) and gets its assignment.</summary>
public static class JoinCommand
{
    /// <summary>Builds the `round join` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var roundId = IdArguments.RoundId();
        var key = context.KeyOption("node.pem", "the node joining; registered as a node for the round's dataset when the coordinator does not know it");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("join", "Join an open round with your node key: the stake is locked, and you get this node's assignment " +
            "(shard, seed, base model, training deadline). Train it with `swarm round train`.\n" +
            "Example: swarm round join j0123456789ab-r0 --key ~/.trainswarm/keys/node.pem --coordinator http://10.0.0.5:7070")
        {
            roundId, key, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(roundId)!;
            using var node = context.LoadKey(parse.GetValue(key)!);
            using var client = context.Client(parse.GetValue(coordinator)!, node);
            var round = await Remote.CallAsync(client, $"cannot join round {id}", () => client.RoundAsync(id, cancellation));
            var registered = await EnsureNodeAsync(client, round.Dataset, cancellation);
            var info = await Remote.CallAsync(client, "cannot read the coordinator's info", () => client.InfoAsync(cancellation));
            var assignment = await Remote.CallAsync(client, $"cannot join round {id}", () => client.JoinAsync(id, cancellation));
            context.Output(new { node = node.Address, registered, stake = info.StakePerRound, assignment }, parse.GetValue(json), _ =>
            {
                if (registered)
                    context.WriteLine($"registered {node.Address} as a node for dataset {round.Dataset}");
                Describe(console, node.Address, assignment, info.StakePerRound);
            });
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>The assignment as a person reads it, then the next command to run.</summary>
    internal static void Describe(IAnsiConsole console, string node, Assignment a, long stake)
    {
        var spec = a.Spec;
        CommonOptions.WriteLine(console, $"joined round {a.RoundId} (job {a.JobId}, round {a.Index}, attempt {a.Attempt}) as {node}; " +
            $"{Asset.Format(stake)} tokens staked");
        CommonOptions.WriteLine(console, $"shard: {a.ShardIndex + 1} of {a.ShardCount} (slot {a.Slot})");
        CommonOptions.WriteLine(console, $"seed: {a.Seed}");
        CommonOptions.WriteLine(console, $"base model: {a.BaseModel}");
        CommonOptions.WriteLine(console, $"work: {spec.Model} on {spec.Dataset}, {spec.InnerSteps} steps of batch {spec.BatchSize}, {spec.Optimizer} " +
            $"at learning rate {spec.LearningRate}");
        CommonOptions.WriteLine(console, $"train by: {RoundText.Time(a.TrainDeadline)}");
        CommonOptions.WriteLine(console, $"next: swarm round train {a.RoundId}");
    }

    /// <summary>
    /// Registers the client's key as a node serving <paramref name="dataset"/> when the coordinator has no node record
    /// of it (a node that never ran the daemon), with this machine's hardware and a one-second benchmark. Returns whether it did.
    /// </summary>
    private static async Task<bool> EnsureNodeAsync(SwarmClient client, string dataset, CancellationToken cancellation)
    {
        try
        {
            await client.NodeAsync(client.Address, cancellation);
            return false;
        }
        catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            // Not registered yet: below.
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the coordinator at {client.BaseAddress}: {e.Message}");
        }
        var benchmark = await Task.Run(() => MachineProbe.Measure(TimeSpan.FromSeconds(1), cancellation), cancellation);
        await Remote.CallAsync(client, $"the coordinator refused to register {client.Address} as a node",
            () => client.RegisterNodeAsync(Environment.MachineName, MachineProbe.Hardware(), benchmark, [dataset], cancellation));
        return true;
    }
}
