using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Commands.Ledger;

/// <summary>`swarm ledger log`: entries newest first, from the database or through the API; --follow keeps printing new ones as they commit.</summary>
public static class LogCommand
{
    /// <summary>Builds the `ledger log` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var db = LedgerSource.DbOption();
        var coordinator = context.CoordinatorOption();
        coordinator.Description = $"Read the ledger through this coordinator's API instead of a database (or set ${CommandContext.CoordinatorVariable})";
        var limit = CommonOptions.Positive("--limit", "How many of the newest entries to print", 20);
        var before = new Option<long?>("--before")
        {
            Description = "Only entries older than sequence SEQ: the page after one that ended at SEQ (page back with the last line's sequence)",
            HelpName = "SEQ",
        };
        before.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is < 1) r.AddError("--before must be at least 1");
        });
        var follow = new Option<bool>("--follow") { Description = "Keep printing new entries as they are committed (Ctrl+C stops)" };
        var json = context.JsonOption();
        json.Description = "Print one JSON object per entry, one per line";
        var command = new Command("log", "Print ledger entries, newest first: sequence, time, what moved (or which account opened), reason, job and " +
            "round, who signed.\n" +
            "Reads the coordinator's database (--db) or asks a running coordinator (--coordinator URL).\n" +
            "Example: swarm ledger log --coordinator http://10.0.0.5:7070 --limit 50 --json")
        {
            db, coordinator, limit, before, follow, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(before) is not null && r.GetValue(follow)) r.AddError("--before pages back through the ledger; it cannot --follow new entries");
        });
        command.SetAction(async (ParseResult parse, CancellationToken cancellation) =>
        {
            var asJson = parse.GetValue(json);
            var count = parse.GetValue(limit);
            var below = parse.GetValue(before);
            Func<long, Task<IReadOnlyList<LedgerEntry>>> after;
            IReadOnlyList<LedgerEntry> latest;
            using var client = LedgerSource.IsRemote(parse, db, coordinator) ? context.Client(parse.GetValue(coordinator)!) : null;
            if (client is not null)
            {
                latest = (await LedgerSource.LatestAsync(client, count, below, cancellation)).Select(LedgerSource.FromView).ToList();
                after = async last => (await Remote.CallAsync(client, "cannot read the ledger",
                    () => client.LedgerEntriesAsync(last, LedgerSource.PageSize, cancellation))).Select(LedgerSource.FromView).ToList();
            }
            else
            {
                var store = await LedgerSource.OpenAsync(parse.GetValue(db)!, cancellation);
                latest = await store.ReadLatestAsync(count, below ?? long.MaxValue, cancellation);
                after = last => store.ReadEntriesAsync(last, 1000, cancellation);
            }
            foreach (var entry in latest)
                Print(console, entry, asJson);
            if (!parse.GetValue(follow))
                return SwarmApp.Success;
            var last = latest.Count > 0 ? latest[0].Sequence : 0;
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
                    foreach (var entry in await after(last))
                    {
                        Print(console, entry, asJson);
                        last = entry.Sequence;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return SwarmApp.Success; // Ctrl+C is how --follow ends
            }
        });
        return command;
    }

    private static void Print(IAnsiConsole console, LedgerEntry entry, bool asJson)
    {
        // Raw lines, not markup: one entry stays on one line whatever the terminal width.
        console.Profile.Out.Writer.WriteLine(asJson ? JsonSerializer.Serialize(ToJson(entry)) : Describe(entry));
    }

    /// <summary>One line for a person: sequence, time, what happened, and who authorized it.</summary>
    internal static string Describe(LedgerEntry e)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var what = e switch
        {
            { Genesis: { } g } => $"genesis     coordinator {g.CoordinatorAddress}{(g.Devnet ? " (devnet)" : "")}",
            { Account: { } a } => $"open        {Short(a.Id)} {a.Kind.ToString().ToLowerInvariant()} of {a.Owner}",
            { Transfer: { Kind: TransferKind.Single or TransferKind.Pending } t } =>
                $"{t.Kind.ToString().ToLowerInvariant(),-11} {Asset.Format(t.Amount)} {Short(t.DebitAccount)} -> {Short(t.CreditAccount)} {Tail(t)}",
            { Transfer: { } t } => $"{t.Kind.ToString().ToLowerInvariant(),-11} " +
                $"{(t.Kind == TransferKind.Post ? Asset.Format(t.Amount) + " of " : "")}{Short(t.PendingId)} {Tail(t)}",
            _ => e.Type.ToString().ToLowerInvariant(), // a genesis read through the API (which does not carry its body)
        };
        var actor = e.Actor is { } x ? $"  signed by {x.Address}" : "";
        return $"#{e.Sequence,-7} {time}  {what}{actor}";
    }

    private static string Tail(TransferRequest t) =>
        $"reason {t.Reason.ToString().ToLowerInvariant()}" + (t.Job.Length > 0 ? $" job {t.Job} round {t.Round}" : "") + $" id {Short(t.Id)}";

    private static string Short(UInt128 id) => id.ToString("x32", CultureInfo.InvariantCulture)[^12..];

    private static Dictionary<string, object?> ToJson(LedgerEntry e) => new()
    {
        ["sequence"] = e.Sequence,
        ["timestamp"] = DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp).ToString("O", CultureInfo.InvariantCulture),
        ["type"] = e.Type.ToString().ToLowerInvariant(),
        ["coordinator"] = e.Genesis?.CoordinatorAddress,
        ["devnet"] = e.Genesis?.Devnet,
        ["account"] = e.Account is { } a ? new Dictionary<string, object> { ["id"] = Hex(a.Id), ["owner"] = a.Owner, ["kind"] = a.Kind.ToString()
            .ToLowerInvariant() } : null,
        ["transfer"] = e.Transfer is { } t ? new Dictionary<string, object>
        {
            ["id"] = Hex(t.Id),
            ["kind"] = t.Kind.ToString().ToLowerInvariant(),
            ["debit"] = Hex(t.DebitAccount),
            ["credit"] = Hex(t.CreditAccount),
            ["amount"] = t.Amount,
            ["amount_tokens"] = Asset.Format(t.Amount),
            ["reason"] = t.Reason.ToString().ToLowerInvariant(),
            ["job"] = t.Job,
            ["round"] = t.Round,
            ["pending_id"] = Hex(t.PendingId),
            ["timeout_seconds"] = t.TimeoutSeconds,
        } : null,
        ["actor"] = e.Actor?.Address,
        ["previous_hash"] = Convert.ToHexStringLower(e.PreviousHash),
        ["hash"] = Convert.ToHexStringLower(e.Hash),
    };

    private static string Hex(UInt128 id) => id.ToString("x32", CultureInfo.InvariantCulture);
}
