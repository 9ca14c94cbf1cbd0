using System.CommandLine;
using System.Globalization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// `swarm node list`: every registered node, one line each: address, name, online or not, the device kind its receipts name, its
/// GPU (name, memory, measured throughput) when it has one, and its CPU benchmark.
/// </summary>
internal static class ListCommand
{
    /// <summary>The `list` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("list", "List the registered nodes with their device, GPU and benchmark.\nExample: swarm node list --json")
        {
            coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            using var client = context.Client(parse.GetValue(coordinator)!);
            var nodes = await Remote.CallAsync(client, "cannot list the nodes", () => client.NodesAsync(cancellation));
            context.Output(nodes, parse.GetValue(json), v =>
            {
                if (v.Count == 0)
                    context.WriteLine("no nodes registered; start one with: swarm node start");
                foreach (var node in v)
                    context.WriteLine(Line(node));
            });
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>One node's line; a registration from before devices were reported shows the device as cpu.</summary>
    internal static string Line(NodeView node)
    {
        var h = node.Hardware;
        var gpu = h.Gpu is { } g
            ? string.Create(CultureInfo.InvariantCulture,
                $"gpu {g.Name} ({g.MemoryBytes >> 20} MiB, {g.SamplesPerSecond:N0} samples/s {node.Benchmark.Model}); ")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{node.Address} {node.Name}: {(node.Online ? "online" : "offline")}; device {h.Device ?? "cpu"}; {gpu}" +
            $"cpu {h.Cores} cores, {node.Benchmark.SamplesPerSecond:N0} samples/s {node.Benchmark.Model}");
    }
}
