using System.Buffers.Binary;
using System.Data.Common;

namespace TrainSwarm.Storage.Ledger;

/// <summary>Small ADO.NET helpers shared by both backends.</summary>
internal static class Db
{
    /// <summary>A 128-bit id as 16 big-endian bytes, so byte order sorts like the number.</summary>
    public static byte[] Bytes(UInt128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>Reads an id written by <see cref="Bytes(UInt128)"/>.</summary>
    public static UInt128 Id(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : BinaryPrimitives.ReadUInt128BigEndian((byte[])reader.GetValue(ordinal));

    /// <summary>A byte string column, empty when NULL.</summary>
    public static byte[] Blob(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? [] : (byte[])reader.GetValue(ordinal);

    /// <summary>A text column, "" when NULL.</summary>
    public static string Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? "" : reader.GetString(ordinal);

    /// <summary>An integer column, 0 when NULL.</summary>
    public static long Long(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetInt64(ordinal);

    /// <summary>A command in <paramref name="transaction"/> with positional parameters @p0, @p1, … bound to <paramref name="values"/>.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params object?[] values)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            parameter.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>Rebinds the positional parameters of a prepared-shape command.</summary>
    public static void Bind(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    /// <summary>Runs a statement in a transaction.</summary>
    public static async Task<int> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellation, params object?[] values)
    {
        await using var command = Command(connection, transaction, sql, values);
        return await command.ExecuteNonQueryAsync(cancellation);
    }
}
