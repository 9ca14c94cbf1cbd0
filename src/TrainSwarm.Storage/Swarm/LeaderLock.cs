using Npgsql;

namespace TrainSwarm.Storage.Swarm;

/// <summary>
/// Leadership among coordinator replicas on one PostgreSQL: a session advisory lock (<c>pg_try_advisory_lock</c>) held on
/// a dedicated, unpooled connection. Whoever holds it runs the background duties; when its process dies, its connection
/// drops and PostgreSQL frees the lock, so another replica's next try takes it. The holder writes its name to
/// <c>swarm_leader</c> so every replica can say who leads.
/// </summary>
public sealed class LeaderLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _db;

    private LeaderLock(NpgsqlConnection db) => _db = db;

    /// <summary>Takes the lock and records <paramref name="replica"/> as leader, or returns null when another replica holds it.</summary>
    public static async Task<LeaderLock?> TryTakeAsync(string connection, string replica, DateTimeOffset now, CancellationToken cancellation)
    {
        // Unpooled: disposing must really close the session (and so free the lock), never park it in a pool.
        var builder = new NpgsqlConnectionStringBuilder(connection) { Pooling = false, KeepAlive = 2, CommandTimeout = 5 };
        var db = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await db.OpenAsync(cancellation);
            await using (var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({ReplicaLocks.Key("leader")})", db))
                if (await take.ExecuteScalarAsync(cancellation) is not true)
                {
                    await db.DisposeAsync();
                    return null;
                }
            await using (var record = new NpgsqlCommand(
                "INSERT INTO swarm_leader (id, replica, since) VALUES (1, @p0, @p1) "
                + "ON CONFLICT (id) DO UPDATE SET replica = excluded.replica, since = excluded.since",
                db))
            {
                record.Parameters.AddWithValue("p0", replica);
                record.Parameters.AddWithValue("p1", now.ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellation);
            }
            return new LeaderLock(db);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>True while the session that holds the lock still answers (false: the lock may be gone; stop leading).</summary>
    public async Task<bool> StillHeldAsync(CancellationToken cancellation)
    {
        try
        {
            await using var ping = new NpgsqlCommand("SELECT 1", _db);
            return await ping.ExecuteScalarAsync(cancellation) is 1;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Closes the session, which frees the lock.</summary>
    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
