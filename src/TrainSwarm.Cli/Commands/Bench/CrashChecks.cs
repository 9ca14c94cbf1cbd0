using System.Text.RegularExpressions;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>An update a node was answered 2xx for (read back from the node's own log line "submitted: … (attempt A, update BLOB)").</summary>
public sealed record AcknowledgedUpdate(string Node, string RoundId, int Attempt, string Blob);

/// <summary>The checks of `swarm bench crash`: the bank check after every restart, and the acknowledged updates and payouts at the end.</summary>
public static partial class CrashChecks
{
    /// <summary>
    /// The bank check, read straight from the ledger database with the ledger's own verifier (what `swarm ledger verify --db` runs):
    /// the replay of every committed entry must give exactly the stored balance of every account, the balances must add up to zero
    /// (nothing created or lost between accounts), and the supply (what the mint account gave out) must equal the sum of the mint
    /// transfers in the chain and <paramref name="minted"/>, what the run minted through the faucet. Returns the problems (none: it holds).
    /// </summary>
    public static async Task<IReadOnlyList<string>> BankAsync(string connection, long minted, CancellationToken cancellation)
    {
        var problems = new List<string>();
        var store = await LedgerStore.OpenExistingAsync(connection, cancellation);
        var report = await store.VerifyAsync(cancellation: cancellation);
        if (!report.Ok)
            problems.Add("the ledger does not verify: " + report);
        var accounts = await store.GetAccountsAsync(cancellation: cancellation);
        if (accounts.Sum(a => a.Balance) != 0)
            problems.Add($"the balances add up to {accounts.Sum(a => a.Balance)}, not 0");
        var supply = -accounts.Where(a => a.Kind == AccountKind.Mint).Sum(a => a.Balance);
        long mintTransfers = 0;
        for (long after = 0; ;)
        {
            var page = await store.ReadEntriesAsync(after, 1000, cancellation);
            mintTransfers += page.Where(e => e.Transfer is { Reason: Reason.Mint }).Sum(e => e.Transfer!.Amount);
            if (page.Count < 1000)
                break;
            after = page[^1].Sequence;
        }
        if (supply != mintTransfers || supply != minted)
            problems.Add($"the supply is {supply}, the mint transfers add up to {mintTransfers}, the run minted {minted}");
        foreach (var a in accounts.Where(a => a.Kind != AccountKind.Mint && (a.Balance < 0 || a.Reserved < 0 || a.Reserved > a.Balance)))
            problems.Add($"account {a} is overdrawn");
        return problems;
    }

    /// <summary>Every acknowledged update in the node logs (<paramref name="logs"/>: node name → log text).</summary>
    public static IReadOnlyList<AcknowledgedUpdate> Acknowledged(IReadOnlyDictionary<string, string> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        return [.. logs.SelectMany(log => SubmittedLine().Matches(log.Value).Select(m => new AcknowledgedUpdate(log.Key, m.Groups[1].Value,
            int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[3].Value))).Distinct()];
    }

    /// <summary>The acknowledged updates that are not a submitted participant, with that update, of that round attempt in the store.</summary>
    public static IReadOnlyList<AcknowledgedUpdate> Lost(
        IReadOnlyList<AcknowledgedUpdate> acknowledged, IReadOnlyDictionary<string, string> addresses, IReadOnlyList<RoundView> rounds)
    {
        ArgumentNullException.ThrowIfNull(acknowledged);
        ArgumentNullException.ThrowIfNull(addresses);
        return [.. acknowledged.Where(a => !rounds.Any(r => r.Id == a.RoundId && r.Attempt == a.Attempt && r.Participants.Any(p =>
            p.Node == addresses[a.Node] && p.Status == ParticipantStatus.Submitted && p.UpdateBlob == a.Blob)))];
    }

    /// <summary>
    /// Payouts of <paramref name="jobId"/> doubled (more than one payout transfer to a node's claimable account in a round) and missing
    /// (an accepted verdict worth more than 0 with no payout to that node in that round), against the stored round results.
    /// </summary>
    public static async Task<(int Doubled, int Missing)> PayoutsAsync(SwarmClient client, string jobId, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        var invoice = await client.InvoiceAsync(jobId, cancellation);
        var payouts = (await ChurnSettlement.LedgerTransfersAsync(client, cancellation)).Values
            .Where(t => t.Job == jobId && t.Reason == Reason.Payout).GroupBy(t => (t.Round, t.CreditAccount)).ToDictionary(g => g.Key, g => g.Count());
        var doubled = payouts.Values.Sum(c => c - 1);
        var missing = 0;
        foreach (var round in invoice.Rounds)
        {
            var result = (await client.RoundResultAsync(round.RoundId, cancellation)).Result;
            foreach (var verdict in result.Verdicts.Where(v => v.Accepted))
            {
                var pay = ChurnSettlement.Pay(round.Terms, verdict.Samples, round.Lines.Single(l => l.Node == verdict.Node).QualityBps, round.BudgetScaleBps);
                if (pay > 0 && !payouts.ContainsKey(((long)round.Index, TransferWire.Hex(MarketIds.Claimable(verdict.Node)))))
                    missing++;
            }
        }
        return (doubled, missing);
    }

    [GeneratedRegex(@"^\S+\s+(\S+)\s+submitted: .*\(attempt (\d+), update ([0-9a-f]{64})\)", RegexOptions.Multiline)]
    private static partial Regex SubmittedLine();
}
