using System.Diagnostics;
using Npgsql;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Storage.Crypto;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Bench.Ledger;

/// <summary>One measured figure; printed as one JSON line.</summary>
public sealed record LedgerFigure(string Figure, string Backend, double Value, string Unit, long Count, double Seconds);

/// <summary>How much work each figure measures.</summary>
public sealed record LedgerBenchOptions(int SingleTransfers = 2_000, int Batches = 50, int BatchSize = 1_000);

/// <summary>
/// Commits real signed transfers into a fresh ledger (a new SQLite file, or a new schema in the given PostgreSQL
/// database, removed afterwards) and measures committed transfers per second one per transaction and in batches,
/// then the time verify takes, scaled to 100,000 entries.
/// </summary>
public static class LedgerBench
{
    /// <summary>Runs every figure on one backend, reporting each as soon as it is measured.</summary>
    public static async Task RunAsync(string connection, LedgerBenchOptions options, Action<LedgerFigure> report, CancellationToken cancellation = default)
    {
        await using var target = await BenchTarget.CreateAsync(connection, cancellation);
        using var coordinator = ActorKey.Generate();
        var store = await LedgerStore.OpenAsync(target.Connection, cancellation);
        var start = DateTimeOffset.UtcNow;
        await store.InitializeAsync(new KeySigner(coordinator), devnet: true, start, cancellation);
        UInt128 mint = 1, source = 2, sink = 3;
        await store.OpenAccountsAsync(
            [new(mint, "mint", AccountKind.Mint), new(source, "ts1bench-source", AccountKind.Wallet), new(sink, "ts1bench-sink", AccountKind.Wallet)],
            start, cancellation);
        await store.SubmitAsync([TransferRequest.Single(UInt128.MaxValue, mint, source, long.MaxValue / 2, Reason.Mint)], start, cancellation);
        UInt128 nextId = 1;

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < options.SingleTransfers; i++)
            Require(await store.SubmitAsync([TransferRequest.Single(nextId++, source, sink, 1, Reason.Transfer)], DateTimeOffset.UtcNow, cancellation));
        var seconds = clock.Elapsed.TotalSeconds;
        report(new LedgerFigure(
            "ledger_transfers_per_second_single", store.Backend, options.SingleTransfers / seconds, "transfers/s", options.SingleTransfers, seconds));

        clock.Restart();
        for (var b = 0; b < options.Batches; b++)
        {
            var batch = new List<TransferRequest>(options.BatchSize);
            for (var i = 0; i < options.BatchSize; i++)
                batch.Add(TransferRequest.Single(nextId++, source, sink, 1, Reason.Transfer));
            Require(await store.SubmitAsync(batch, DateTimeOffset.UtcNow, cancellation));
        }
        seconds = clock.Elapsed.TotalSeconds;
        var batched = (long)options.Batches * options.BatchSize;
        report(new LedgerFigure($"ledger_transfers_per_second_batch_{options.BatchSize}", store.Backend, batched / seconds, "transfers/s", batched, seconds));

        clock.Restart();
        var verdict = await store.VerifyAsync(coordinator.Address, cancellation);
        seconds = clock.Elapsed.TotalSeconds;
        if (!verdict.Ok)
            throw new InvalidOperationException($"the bench ledger failed verification: {verdict}");
        report(new LedgerFigure("ledger_verify_seconds_per_100k_entries", store.Backend, seconds * 100_000 / verdict.Entries, "s", verdict.Entries, seconds));
    }

    private static void Require(IReadOnlyList<TransferResult> results)
    {
        foreach (var result in results)
            if (result.Status != TransferStatus.Ok)
                throw new InvalidOperationException($"bench transfer {result.Id} was refused: {result.Status}");
    }

    /// <summary>A fresh place for the bench ledger that is removed afterwards.</summary>
    private sealed class BenchTarget : IAsyncDisposable
    {
        private readonly string? _file;
        private readonly (string Connection, string Schema)? _schema;

        private BenchTarget(string connection, string? file, (string, string)? schema) => (Connection, _file, _schema) = (connection, file, schema);

        public string Connection { get; }

        public static async Task<BenchTarget> CreateAsync(string connection, CancellationToken cancellation)
        {
            if (!LedgerStore.IsPostgres(connection))
            {
                if (File.Exists(connection))
                    throw new IOException($"{connection} exists; the bench writes a fresh ledger, so give it a path that does not exist");
                return new BenchTarget(connection, connection, null);
            }
            var builder = new NpgsqlConnectionStringBuilder(
                connection.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) ? ToKeyValue(connection) : connection);
            var schema = $"bench_{Guid.NewGuid():N}";
            await using (var db = new NpgsqlConnection(builder.ConnectionString))
            {
                await db.OpenAsync(cancellation);
                await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", db);
                await command.ExecuteNonQueryAsync(cancellation);
            }
            var inSchema = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { SearchPath = schema }.ConnectionString;
            return new BenchTarget(inSchema, null, (builder.ConnectionString, schema));
        }

        private static string ToKeyValue(string uri)
        {
            var parsed = new Uri(uri);
            var user = parsed.UserInfo.Split(':', 2);
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = parsed.Host,
                Port = parsed.Port > 0 ? parsed.Port : 5432,
                Database = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/')),
                Username = user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : null,
                Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            };
            return builder.ConnectionString;
        }

        public async ValueTask DisposeAsync()
        {
            if (_file is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                    File.Delete(_file + suffix);
            }
            if (_schema is { } s)
            {
                NpgsqlConnection.ClearAllPools();
                await using var db = new NpgsqlConnection(s.Connection);
                await db.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {s.Schema} CASCADE", db);
                await command.ExecuteNonQueryAsync();
            }
        }
    }
}
