using System.CommandLine;
using System.Text.Json;
using TrainSwarm.Bench.Hostile;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>`swarm bench hostile`: generated hostile requests against every endpoint of a real coordinator; JSON lines of what they got.</summary>
public static class HostileCommand
{
    /// <summary>Builds the `bench hostile` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var requests = CommonOptions.Positive("--requests", "Hostile requests to send", 20_000);
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the request generator (the same seed sends the same requests)", DefaultValueFactory = _ => 1,
        };
        var parallel = CommonOptions.Positive("--parallel", "Requests in flight at once", 8);
        var slow = new Option<int>("--slow-clients")
        {
            Description = "Slow-header and as many slow-body clients held open beside the storm; each must be cut off (0: none)",
            DefaultValueFactory = _ => 4,
        };
        slow.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 100) r.AddError("--slow-clients must be between 0 and 100");
        });
        var command = new Command("hostile", "Send generated hostile requests (malformed JSON, wrong types, huge and negative numbers, missing " +
            "fields, bad and stale signatures, replays, oversized bodies, path tricks, wrong methods) to every endpoint of a devnet coordinator, " +
            "beside slow-loris clients (headers a byte at a time, bodies at 100 B/s); every answer must be 4xx, every slow client cut off, and " +
            "the state and ledger unchanged. Prints one JSON line per figure; exits 1 when the coordinator did not " +
            "hold.\nExample: swarm bench hostile --requests 20000 --seed 1") { requests, seed, parallel, slow };
        command.SetAction(async (ParseResult parse, CancellationToken cancellation) =>
        {
            var report = await HostileBench.RunAsync(parse.GetValue(requests), parse.GetValue(seed), parse.GetValue(parallel), parse.GetValue(slow),
                cancellation);
            void Figure(string figure, object value, string unit) =>
                context.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["figure"] = figure, ["value"] = value, ["unit"] = unit }));
            Figure("requests", report.Requests, "requests");
            Figure("answered_4xx", Math.Round(100.0 * report.Client4xx / report.Requests, 3), "%");
            Figure("answered_5xx", report.Server5xx, "requests");
            Figure("not_4xx", report.Requests - report.Client4xx, "requests");
            Figure("endpoints_hit", $"{report.EndpointsHit}/{report.Endpoints}", "endpoints");
            Figure("state_and_ledger_unchanged", report.DigestBefore == report.DigestAfter, "bool");
            Figure("ledger_verifies", report.LedgerVerifies, "bool");
            Figure("throughput", Math.Round(report.Requests / report.Seconds, 1), "requests/s");
            foreach (var kind in report.SlowClients.GroupBy(s => s.Kind))
            {
                Figure(kind.Key + " cut off", $"{kind.Count(s => s.Cut)}/{kind.Count()}", "clients");
                if (kind.Any(s => s.Cut))
                    Figure(kind.Key + " cut after (max)", kind.Where(s => s.Cut).Max(s => s.Seconds), "s");
                Figure(kind.Key + " answers", string.Join(", ", kind.Select(s => s.Answer.Length == 0 ? "(closed)" : s.Answer).Distinct()), "answers");
            }
            foreach (var (kind, count) in report.ByKind.OrderBy(k => k.Key, StringComparer.Ordinal))
                Figure("kind: " + kind, count, "requests");
            foreach (var line in report.NotRefused)
                Figure("not refused", line, "example");
            return report.Held ? 0 : 1;
        });
        return command;
    }
}
