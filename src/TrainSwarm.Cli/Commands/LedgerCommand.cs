using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Cli.Commands;

/// <summary>`swarm ledger verify|log`: check and read the coordinator's hash-chained ledger.</summary>
public static class LedgerCommand
{
    public static Command Create(IAnsiConsole console) => new("ledger", "Verify and read the signed, hash-chained ledger.")
    {
        LedgerVerifyCommand.Create(console),
        LedgerLogCommand.Create(console),
    };

    /// <summary>--db: a SQLite file path or a PostgreSQL connection string ("Host=…" or "postgres://…").</summary>
    internal static Option<string> DbOption() => new("--db")
    {
        Description = "Ledger database: a SQLite file path, or a PostgreSQL connection string (Host=… or postgres://…)",
        DefaultValueFactory = _ => DefaultDb,
    };

    /// <summary>Where a local coordinator keeps its database.</summary>
    internal static string DefaultDb =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".trainswarm", "coordinator.db");

    /// <summary>Opens an existing ledger, turning every failure into one line for the user.</summary>
    internal static async Task<LedgerStore> OpenAsync(string connection, CancellationToken cancellation)
    {
        try
        {
            return await LedgerStore.OpenExistingAsync(connection, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CliException($"cannot open the ledger at {Describe(connection)}: {e.Message}");
        }
    }

    /// <summary>The connection without its password, for messages.</summary>
    internal static string Describe(string connection) =>
        LedgerStore.IsPostgres(connection)
            ? System.Text.RegularExpressions.Regex.Replace(connection, @"(?i)(password=)[^;]*|(://[^:/@]+:)[^@]*@", m => m.Groups[1].Success ? m.Groups[1].Value + "***" : m.Groups[2].Value + "***@")
            : connection;
}
