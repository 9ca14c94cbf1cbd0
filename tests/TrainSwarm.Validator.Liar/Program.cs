// Test support for the quorum tests: runs the real validator daemon, but every round result it posts is replaced by a
// wrong aggregate (the round's base model, as if no update had moved it) and signed again with the validator's own key,
// so the coordinator sees a well-formed, correctly signed result that disagrees with the honest validators.
// Usage: TrainSwarm.Validator.Liar validator start --coordinator URL --key PEM [--threads N] [--data-dir DIR]
// (the arguments of `swarm validator start`, so a devnet can start it in a validator's place).
using System.Globalization;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Validator;
using TrainSwarm.Validator.Liar;

string Arg(string name, string? fallback = null)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"{name} is required");
}

var options = new ValidatorOptions(new Uri(Arg("--coordinator")), Arg("--key"))
{
    Threads = int.Parse(Arg("--threads", "1"), CultureInfo.InvariantCulture),
    DataDirectory = args.Contains("--data-dir") ? Arg("--data-dir") : null,
};
using var key = ActorKey.Load(options.KeyPath);
using var http = new HttpClient(new LyingHandler(key) { InnerHandler = new SocketsHttpHandler() }) { Timeout = TimeSpan.FromMinutes(5) };
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
Console.WriteLine($"lying validator {key.Address} starting");
await new ValidatorDaemon(options, new ConsoleObserver(), http).RunAsync(stop.Token);
