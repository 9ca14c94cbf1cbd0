using System.Runtime.InteropServices;
using Spectre.Console;
using TrainSwarm.Cli.Commands;
using TrainSwarm.CheatingNode;
using TrainSwarm.Node;

// A real node daemon that cheats one way (a test helper for the end-to-end tests, never shipped):
//   TrainSwarm.CheatingNode --cheat zero|copy|skip|wrong-shard|lie-samples|lower-return|withhold-state --coordinator URL --key PEM
//                           [--name NAME] [--data-dir DIR] [--threads N]
var flags = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
        return Fail($"unexpected argument '{args[i]}'");
    flags[args[i][2..]] = args[i + 1];
}
if (args.Length % 2 != 0)
    return Fail($"'{args[^1]}' needs a value");
if (!flags.TryGetValue("cheat", out var cheatName) || !Cheats.ByName.TryGetValue(cheatName, out var cheat))
    return Fail($"--cheat must be one of {string.Join(", ", Cheats.ByName.Keys)}");
if (!flags.TryGetValue("coordinator", out var coordinator) || !flags.TryGetValue("key", out var key))
    return Fail("--coordinator and --key are required");

var options = new NodeOptions
{
    Coordinator = new Uri(coordinator),
    KeyPath = key,
    Name = flags.GetValueOrDefault("name") ?? $"cheat-{cheatName}",
    DataDirectory = flags.GetValueOrDefault("data-dir"),
    Threads = flags.TryGetValue("threads", out var threads) ? int.Parse(threads, System.Globalization.CultureInfo.InvariantCulture) : 1,
};
var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
console.WriteLine($"cheating node {options.Name}: {cheatName}");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
var daemon = new NodeDaemon(options, new NodeConsoleObserver(console), trainer: (o, d, w, c) => new CheatingTrainer(cheat, o, d, w, c));
await daemon.RunAsync(stop.Token);
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
