// Test support for the crash test: commits 1-unit transfers in a loop and prints "ack <id>" after each commit
// returns, so the test knows what was acknowledged before it kills this process with SIGKILL.
// Usage: TrainSwarm.Ledger.CrashWriter <connection> <coordinator-key.pem> <first-id>
using System.Globalization;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Storage.Crypto;
using TrainSwarm.Storage.Ledger;

var (connection, keyPath, firstId) = (args[0], args[1], long.Parse(args[2], CultureInfo.InvariantCulture));
// The first run creates the coordinator key; every restart signs with the same one.
using var key = File.Exists(keyPath) ? ActorKey.Load(keyPath) : ActorKey.Generate();
if (!File.Exists(keyPath))
    key.Save(keyPath);

UInt128 mint = 1_000_001, source = 1_000_002, sink = 1_000_003;
var now = DateTimeOffset.UtcNow;
var store = await LedgerStore.OpenAsync(connection);
await store.InitializeAsync(new KeySigner(key), devnet: true, now);
await store.OpenAccountsAsync(
[
    new NewAccount(mint, "mint", AccountKind.Mint),
    new NewAccount(source, "ts1crash-source", AccountKind.Wallet),
    new NewAccount(sink, "ts1crash-sink", AccountKind.Wallet),
], now);
var funded = await store.SubmitAsync([TransferRequest.Single(UInt128.MaxValue, mint, source, 1_000_000_000, Reason.Mint)], now);
if (!funded[0].Succeeded)
    throw new InvalidOperationException($"funding failed: {funded[0].Status}");

var stdout = Console.Out;
for (var id = firstId; ; id++)
{
    var result = await store.SubmitAsync([TransferRequest.Single((UInt128)id, source, sink, 1, Reason.Transfer)], DateTimeOffset.UtcNow);
    if (!result[0].Succeeded)
        throw new InvalidOperationException($"transfer {id}: {result[0].Status}");
    stdout.WriteLine($"ack {id}");
    stdout.Flush();
}
