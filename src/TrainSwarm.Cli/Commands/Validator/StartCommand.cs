using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Validator;

namespace TrainSwarm.Cli.Commands.Validator;

/// <summary>`swarm validator start`: runs the validator daemon in the foreground, one line per event, until Ctrl+C.</summary>
internal static class StartCommand
{
    /// <summary>The `start` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var coordinator = context.CoordinatorOption();
        var keyPath = context.KeyOption("validator.pem", "created when missing; the coordinator must allow its address");
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory holding the datasets (one folder per name, or one dataset's files)" };
        var download = new Option<bool>("--download") { Description = "Download a missing dataset (SHA-256 checked) into the cache" };
        var threads = CommonOptions.Positive("--threads", "Compute threads", Environment.ProcessorCount);
        var pollMs = CommonOptions.Positive("--poll-ms", "Milliseconds between polls of the coordinator", 500);

        var device = DeviceOption.Create("auto replays receipts trained on this machine's GPU kind on the GPU when the NVIDIA driver and a " +
            "device are found; scoring and other replays run on the CPU");
        var command = new Command("start", "Start the validator daemon in the foreground; Ctrl+C stops it (a round in progress is taken again later).\n" +
                                           "Example: swarm validator start --coordinator http://10.0.0.5:7070 --key ~/.trainswarm/keys/validator.pem")
        {
            coordinator, keyPath, dataDir, download, threads, pollMs, device,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var gpu = DeviceOption.Select(console, DeviceOption.Request(parse.GetValue(device))).Gpu;
            var path = Path.GetFullPath(parse.GetValue(keyPath)!);
            using (var key = KeyFiles.LoadOrCreate(path, out var created))
            {
                if (created)
                    console.Profile.Out.Writer.WriteLine($"Created validator key {path}");
                console.Profile.Out.Writer.WriteLine($"Validator {key.Address} → {parse.GetValue(coordinator)}; {parse.GetValue(threads)} thread(s). " +
                    $"Ctrl+C stops.");
            }
            var options = new ValidatorOptions(new Uri(parse.GetValue(coordinator)!), path)
            {
                DataDirectory = parse.GetValue(dataDir),
                AllowDownload = parse.GetValue(download),
                Threads = parse.GetValue(threads),
                PollInterval = TimeSpan.FromMilliseconds(parse.GetValue(pollMs)),
                Gpu = gpu,
            };
            using var telemetry = DaemonTelemetry.StartIfConfigured("trainswarm-validator", ValidatorTelemetry.Name);
            try
            {
                // Returns normally once Ctrl+C (or SIGTERM) fired.
                await new ValidatorDaemon(options, new ValidatorConsoleObserver(console)).RunAsync(cancellation);
            }
            catch (SwarmApiException e)
            {
                throw new CliException($"the coordinator refused this validator: {e.Message}");
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
            {
                throw new CliException(e.Message);
            }
            console.Profile.Out.Writer.WriteLine("Validator stopped.");
            return SwarmApp.Success;
        });
        return command;
    }
}
