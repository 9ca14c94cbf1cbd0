using System.Diagnostics;
using TrainSwarm.Ledger;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Storage.Tests;

/// <summary>
/// A real writer process (TrainSwarm.Ledger.CrashWriter) commits 1-unit transfers with ids 1, 2, 3, … and prints
/// "ack N" after each commit returns. We SIGKILL it at random moments and restart it from the last id it
/// acknowledged; afterwards every acknowledged transfer must be there, none twice, and verify must pass.
/// </summary>
public class CrashTests
{
    private const int Kills = 22;

    [Theory, OnSqlite, OnPostgres]
    public async Task Killed_writer_loses_no_acknowledged_transfer_and_doubles_none(string backend)
    {
        await using var db = await TestBackend.CreateAsync(backend);
        var keyPath = Path.Combine(Path.GetTempPath(), $"ts-crash-{Guid.NewGuid():N}.pem");
        var random = new Random(20261121); // seeded: the kill moments are the same on every run
        long acknowledged = 0;
        try
        {
            for (var kill = 0; kill < Kills; kill++)
            {
                using var writer = StartWriter(db.Connection, keyPath, acknowledged + 1);
                var firstAck = new TaskCompletionSource();
                var last = acknowledged;
                writer.OutputDataReceived += (_, e) =>
                {
                    if (e.Data is { } line && line.StartsWith("ack ", StringComparison.Ordinal))
                    {
                        Interlocked.Exchange(ref last, long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture));
                        firstAck.TrySetResult();
                    }
                };
                writer.BeginOutputReadLine();
                writer.BeginErrorReadLine();
                var started = await Task.WhenAny(firstAck.Task, Task.Delay(TimeSpan.FromSeconds(60)));
                Assert.True(started == firstAck.Task, $"writer {kill} acknowledged nothing within 60 s");
                await Task.Delay(random.Next(5, 120));
                writer.Kill(); // SIGKILL on Unix: no cleanup, no flush, mid-transaction
                await writer.WaitForExitAsync();
                acknowledged = Math.Max(acknowledged, Interlocked.Read(ref last));
            }

            var store = await LedgerStore.OpenExistingAsync(db.Connection);
            for (var id = 1L; id <= acknowledged; id++)
            {
                var transfer = await store.GetTransferAsync((UInt128)id);
                Assert.True(transfer is not null, $"acknowledged transfer {id} is missing");
            }
            // Each transfer moves 1 unit from the source wallet to the sink, so the sink holds one unit per commit.
            var transfers = (await store.ReadEntriesAsync(0, int.MaxValue)).Where(e => e.Transfer?.Reason == Reason.Transfer).ToList();
            Assert.Equal(transfers.Count, transfers.Select(e => e.Transfer!.Id).Distinct().Count());
            var sink = (await store.GetAccountsAsync()).Single(a => a.Owner == "ts1crash-sink");
            Assert.Equal(transfers.Count, sink.Balance);
            Assert.True(transfers.Count >= acknowledged, $"{transfers.Count} committed < {acknowledged} acknowledged");
            var report = await store.VerifyAsync();
            Assert.True(report.Ok, report.ToString());
            Assert.True(acknowledged >= Kills, $"only {acknowledged} transfers acknowledged over {Kills} runs");
        }
        finally
        {
            File.Delete(keyPath);
        }
    }

    private static Process StartWriter(string connection, string keyPath, long firstId)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "TrainSwarm.Ledger.CrashWriter.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, connection, keyPath, firstId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the crash writer");
    }
}
