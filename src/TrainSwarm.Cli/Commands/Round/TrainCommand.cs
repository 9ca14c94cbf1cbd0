using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Learning.Training;
using TrainSwarm.Node;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Round;

/// <summary>
/// `swarm round train`: trains this node's assignment in a round it joined, exactly as the node daemon would (the same
/// <see cref="AssignmentTrainer"/>), and delivers the update with its signed receipt.
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds the `round train` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var roundId = IdArguments.RoundId();
        var key = context.KeyOption("node.pem", "the node that joined the round");
        var epochs = CommonOptions.Positive("--epochs", "Run the round's H inner steps this many times (the receipt counts every step; pay stays " +
            "capped at H × batch)", 1);
        var maxBatches = new Option<int?>("--max-batches") { Description = "Take at most this many local steps (fewer samples earn less)", HelpName = "N" };
        maxBatches.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1)
                r.AddError("--max-batches must be at least 1");
        });
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Directory holding the dataset (one folder per name, or the dataset's own " +
            "files)", HelpName = "DIR" };
        var encoding = new Option<string>("--encoding") { Description = "Update encoding: f32 (exact) or int8 (4x smaller)", DefaultValueFactory = _ =>
            "f32" };
        encoding.AcceptOnlyFromAmong([.. DeltaCodec.Encodings]);
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("train", "Train your node's assignment in a round you joined (swarm round join) and upload the update with its " +
            "signed receipt; " +
            "shows the progress (loss, samples/s) and the coordinator's acknowledgement.\n" +
            "Example: swarm round train j0123456789ab-r0 --key ~/.trainswarm/keys/node.pem --epochs 2 --encoding int8")
        {
            roundId, key, epochs, maxBatches, dataDir, encoding, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(roundId)!;
            var keyPath = Path.GetFullPath(parse.GetValue(key)!);
            using var node = context.LoadKey(keyPath);
            using var client = context.Client(parse.GetValue(coordinator)!, node);
            var assignment = await AssignmentAsync(client, id, cancellation);
            var dataset = assignment.Spec.Dataset;
            var options = new NodeOptions
            {
                Coordinator = client.BaseAddress,
                KeyPath = keyPath,
                Datasets = [dataset],
                DataDirectory = parse.GetValue(dataDir),
                Encoding = parse.GetValue(encoding)!,
                Epochs = parse.GetValue(epochs),
                MaxBatches = parse.GetValue(maxBatches),
            };
            var asJson = parse.GetValue(json);
            // JSON output stays one document: the progress is only shown to a person.
            INodeObserver observer = asJson ? new SilentObserver() : new NodeConsoleObserver(context.Console);
            var trainer = new AssignmentTrainer(options, new DatasetCache(options.DataDirectory, allowDownload: false, line => observer.Info(null,
                line)), observer);
            DeliveredUpdate delivered;
            try
            {
                delivered = await Remote.CallAsync(client, $"cannot deliver the update of round {id}", () => trainer.RunAsync(client, node,
                    assignment, cancellation));
            }
            catch (UntrainableAssignmentException e)
            {
                throw new CliException($"cannot train round {id}: {e.Message}");
            }
            finally
            {
                observer.Stopped();
            }
            context.Output(new { delivered.Ack, delivered.Receipt, delivered.UpdateBytes }, asJson, d =>
            {
                var ack = d.Ack;
                var bytes = d.UpdateBytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
                context.WriteLine($"delivered: round {ack.RoundId} attempt {ack.Attempt}, update {ack.UpdateBlob} ({bytes} bytes) " +
                                  $"from {ack.Node}, acknowledged at {RoundText.Time(ack.ReceivedAt)}");
            });
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>This node's undelivered assignment in <paramref name="roundId"/>; a round it holds none in is one line saying why.</summary>
    private static async Task<Assignment> AssignmentAsync(SwarmClient client, string roundId, CancellationToken cancellation)
    {
        var round = await Remote.CallAsync(client, $"cannot train round {roundId}", () => client.RoundAsync(roundId, cancellation));
        var held = await Remote.CallAsync(client, $"cannot read the assignments of {client.Address}", () => client.AssignmentsAsync(client.Address,
            cancellation));
        if (held.FirstOrDefault(a => a.RoundId == round.Id && a.Attempt == round.Attempt) is { } assignment)
            return assignment;
        var participant = round.Participants.FirstOrDefault(p => p.Node == client.Address);
        throw new CliException(participant?.Status switch
        {
            ParticipantStatus.Submitted => $"node {client.Address} already delivered its update to round {roundId} (attempt {round.Attempt})",
            ParticipantStatus.Dropped => $"node {client.Address} was dropped from round {roundId} (attempt {round.Attempt}): it missed the training deadline",
            _ when round.Status is not (RoundStatus.Open or RoundStatus.Training) =>
                $"round {roundId} is {RoundText.Name(round.Status)}; node {client.Address} holds no assignment in it",
            _ => $"node {client.Address} has not joined round {roundId}; join it first: swarm round join {roundId}",
        });
    }

    /// <summary>Reports nothing (for --json).</summary>
    private sealed class SilentObserver : INodeObserver;
}
