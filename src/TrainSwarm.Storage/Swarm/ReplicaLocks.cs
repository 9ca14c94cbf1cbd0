using System.Data.Common;

namespace TrainSwarm.Storage.Swarm;

/// <summary>
/// The PostgreSQL advisory locks that let several coordinator processes share one database. Both are keyed by the
/// schema (<c>current_schema()</c>), so coordinators of different schemas in one database never contend.
/// The state lock serializes every state change across replicas (a transaction-level lock, released at the end of its
/// transaction or when its connection drops); the leader lock (<see cref="LeaderLock"/>) is a session-level lock held
/// on a dedicated connection for as long as the replica leads.
/// </summary>
internal static class ReplicaLocks
{
    /// <summary>The (class, object) key pair of a named lock in this schema, as SQL arguments.</summary>
    public static string Key(string name) => $"hashtext('trainswarm.{name}'), hashtext(current_schema())";

    /// <summary>Takes the state lock in a transaction of <paramref name="db"/>; disposing ends the transaction (freeing it) and the connection.</summary>
    public static async Task<IAsyncDisposable> StateAsync(DbConnection db, CancellationToken cancellation)
    {
        try
        {
            var tx = await db.BeginTransactionAsync(cancellation);
            await using (var command = Ledger.Db.Command(db, tx, $"SELECT pg_advisory_xact_lock({Key("state")})"))
                await command.ExecuteNonQueryAsync(cancellation);
            return new Held(db, tx);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(DbConnection db, DbTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await tx.RollbackAsync();
            }
            finally
            {
                await tx.DisposeAsync();
                await db.DisposeAsync();
            }
        }
    }
}

/// <summary>The lock of a store that needs none: SQLite is one process, and its writes are serialized by the file.</summary>
internal sealed class NoLock : IAsyncDisposable
{
    public static readonly NoLock Instance = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
