using System.Data.Common;

namespace TrainSwarm.Storage.Ledger;

/// <summary>
/// Write transactions on the ledger's database: each on its own pooled connection, the ledger locked when asked, and
/// run again from scratch (up to 20 times, after a short random wait) when the database says it was a
/// transient conflict.
/// </summary>
internal sealed class LedgerTransactions(SqlDialect dialect)
{
    private const int MaxAttempts = 20;

    /// <summary>Runs <paramref name="work"/> in a write transaction, again from scratch after a transient failure.</summary>
    public async Task<T> RunWriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, bool lockLedger, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await dialect.OpenAsync(cancellation);
                await using var tx = lockLedger || dialect is SqliteDialect
                    ? await dialect.BeginWriteAsync(db, cancellation)
                    : await db.BeginTransactionAsync(cancellation);
                var result = await work(db, tx);
                await tx.CommitAsync(cancellation);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && (dialect.IsTransient(e) || IsConcurrentSchemaCreation(e, lockLedger)))
            {
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellation);
            }
        }
    }

    /// <summary>Two processes creating the PostgreSQL tables at once may collide on the catalog; the retry finds them made.</summary>
    private static bool IsConcurrentSchemaCreation(Exception e, bool lockLedger) =>
        !lockLedger && e is Npgsql.PostgresException { SqlState: "23505" or "42P07" };
}
