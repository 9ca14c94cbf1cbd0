using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Cli.Commands.Ledger;

/// <summary>
/// Where `ledger verify` and `ledger log` read the ledger: its database (--db) or a running coordinator's API
/// (--coordinator), and the entries either way in one shape.
/// </summary>
internal static class LedgerSource
{
    /// <summary>--db: a SQLite file path or a PostgreSQL connection string ("Host=…" or "postgres://…").</summary>
    internal static Option<string> DbOption() => new("--db")
    {
        Description = "Ledger database: a SQLite file path, or a PostgreSQL connection string (Host=… or postgres://…)",
        DefaultValueFactory = _ => DefaultDb,
    };

    /// <summary>
    /// True when the ledger is read through a coordinator's API: --coordinator was given, or $TRAINSWARM_COORDINATOR is
    /// set and --db was not. Both given is bad usage.
    /// </summary>
    internal static bool IsRemote(ParseResult parse, Option<string> db, Option<string> coordinator)
    {
        var dbGiven = parse.GetResult(db) is { Implicit: false };
        var coordinatorGiven = parse.GetResult(coordinator) is { Implicit: false };
        if (dbGiven && coordinatorGiven)
            throw new CliException("give --db (read the database) or --coordinator (ask a running coordinator), not both", SwarmApp.BadUsage);
        return coordinatorGiven || !dbGiven && Environment.GetEnvironmentVariable(CommandContext.CoordinatorVariable) is { Length: > 0 };
    }

    /// <summary>The same entry as the database holds it, rebuilt from the API's view (signatures and genesis key omitted), so one printer serves
    /// both.</summary>
    internal static LedgerEntry FromView(LedgerEntryView v) => new(
        v.Sequence, v.Time.ToUnixTimeMilliseconds(), v.Type, null,
        v.Account is { } a ? new NewAccount(TransferWire.ParseId(a.Id, "account"), a.Owner, a.Kind) : null,
        v.Transfer?.ToRequest(),
        v.Actor is { } actor ? new ActorEvidence(actor, [], []) : null,
        Convert.FromHexString(v.PreviousHash), Convert.FromHexString(v.Hash), []);

    /// <summary>
    /// The newest <paramref name="count"/> entries below <paramref name="before"/> (null: from the head) through the API, newest first:
    /// the coordinator's newest-first pages (the dashboard's), followed by their cursor until <paramref name="count"/> are read.
    /// </summary>
    internal static async Task<IReadOnlyList<LedgerEntryView>> LatestAsync(SwarmClient client, int count, long? before, CancellationToken cancellation)
    {
        var entries = new List<LedgerEntryView>();
        while (entries.Count < count)
        {
            var page = await Remote.CallAsync(client, "cannot read the ledger",
                () => client.LedgerPageAsync(before, Math.Min(NewestPageSize, count - entries.Count), cancellation: cancellation));
            entries.AddRange(page.Entries);
            if ((before = page.Next) is null)
                break;
        }
        return entries;
    }

    /// <summary>The most entries the API returns in one newest-first page.</summary>
    internal const int NewestPageSize = 200;

    /// <summary>The most entries the API returns in one page.</summary>
    internal const int PageSize = 1000;

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
            throw new CliException($"cannot open the ledger at {LedgerConnection.Describe(connection)}: {e.Message}");
        }
    }
}
