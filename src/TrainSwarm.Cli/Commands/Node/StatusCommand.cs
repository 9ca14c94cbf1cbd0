using System.CommandLine;
using System.Globalization;
using System.Net;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Client.Invoices;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// `swarm node status`: one node as the coordinator sees it: who it is, its money (wallet, stakes, claimable, earned),
/// its track record, and the rounds it took part in lately with what each paid it and whether that was claimed.
/// </summary>
public static class StatusCommand
{
    /// <summary>How many of the node's newest rounds are shown.</summary>
    public const int RecentRounds = 10;

    /// <summary>Builds the `node status` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var keyPath = context.KeyOption("node.pem", "the node to show, unless --address is given");
        var address = new Option<string?>("--address") { Description = "The node's address (ts1 + 40 hex characters); no key needed", HelpName = "ADDR" };
        address.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } a && !Address.IsWellFormed(a))
                r.AddError($"--address {a} is not an address (ts1 + 40 hex characters)");
        });
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("status", "Show a node: identity, hardware and benchmark; its tokens (available, reserved in stakes, claimable, earned); "
            + $"its track record; and its {RecentRounds} newest rounds with the payout, quality weight and claim of each.\n"
            + "Example: swarm node status --key ~/.trainswarm/keys/node.pem --coordinator http://10.0.0.5:7070")
        {
            keyPath, address, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var who = parse.GetValue(address);
            if (string.IsNullOrEmpty(who))
            {
                var path = Path.GetFullPath(parse.GetValue(keyPath)!);
                if (!File.Exists(path))
                    throw new CliException($"no node key at {path}; swarm node start --key {path} creates one and registers the node");
                using var key = context.LoadKey(path);
                who = key.Address;
            }
            using var client = context.Client(parse.GetValue(coordinator)!);
            var report = await ReadAsync(client, who, DateTimeOffset.UtcNow, cancellation);
            context.Output(report, parse.GetValue(json), r => Render(console, r));
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>Everything the command shows, read from the coordinator.</summary>
    internal static async Task<NodeStatus> ReadAsync(SwarmClient client, string address, DateTimeOffset now, CancellationToken cancellation)
    {
        var node = await Remote.CallAsync(client, $"cannot read node {address}", async () =>
        {
            try
            {
                return await client.NodeAsync(address, cancellation);
            }
            catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
            {
                throw new CliException($"{address} is not a registered node; start it with swarm node start");
            }
        });
        var balances = await Remote.CallAsync(client, $"cannot read the balances of {address}", () => client.BalancesAsync(address, cancellation));
        // The unfiltered listing is the current attempt of every done round plus those of running jobs: the done rounds
        // (RoundsAsync(RoundStatus.Done)) and the current ones in one call.
        var listed = await Remote.CallAsync(client, "cannot list the rounds", () => client.RoundsAsync(cancellation: cancellation));
        var mine = listed
            .Select(r => (Round: r, Part: r.Participants.FirstOrDefault(p => p.Node == address)))
            .Where(x => x.Part is not null)
            .OrderByDescending(x => x.Round.OpenedAt).ThenByDescending(x => x.Round.Id, StringComparer.Ordinal)
            .Take(RecentRounds)
            .ToList();
        var rounds = new List<NodeRoundStatus>(mine.Count);
        foreach (var (round, part) in mine)
            rounds.Add(await RoundAsync(client, address, round, part!, cancellation));

        var judged = node.UpdatesAccepted + node.UpdatesRejected;
        return new NodeStatus(
            node.Address, node.Name, node.Online, node.LastSeenAt, node.RegisteredAt, node.Hardware, node.Benchmark, node.Datasets,
            new NodeMoney(balances.Wallet, balances.Reserved, balances.Claimable, node.Earned, node.Staked),
            new NodeReputation(node.RoundsJoined, node.UpdatesSubmitted, node.UpdatesAccepted, node.UpdatesRejected, node.Dropped,
                judged == 0 ? null : (int)(10_000L * node.UpdatesAccepted / judged)),
            rounds, now);
    }

    private static async Task<NodeRoundStatus> RoundAsync(SwarmClient client, string node, RoundView round, ParticipantView part,
        CancellationToken cancellation)
    {
        var row = new NodeRoundStatus(round.Id, round.JobId, round.Index, round.Attempt, round.Status, part.Status, Paid: false,
            Accepted: null, QualityBps: null, Payout: null, PayoutSequence: null, Claim: null);
        if (round.Status != RoundStatus.Done)
            return row;
        var rewards = await Remote.CallAsync(client, $"cannot read the rewards of round {round.Id}", async () =>
        {
            try
            {
                return await client.RoundRewardsAsync(round.Id, cancellation);
            }
            catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
            {
                return null; // done but not paid (yet)
            }
        });
        if (rewards is null)
            return row;
        var line = rewards.Lines.FirstOrDefault(l => l.Node == node);
        if (line is null)
            return row with { Paid = true, Payout = 0 }; // the round was paid, but this node delivered nothing in it
        row = row with { Paid = true, Accepted = line.Accepted, QualityBps = line.QualityBps, Payout = line.Payout, PayoutSequence = line.Sequence };
        if (line.Payout == 0)
            return row;
        var claimId = TransferWire.Hex(MarketIds.Claim(round.Id, node));
        var claimed = await Remote.CallAsync(client, $"cannot read the claim of round {round.Id}", async () =>
        {
            try
            {
                await client.LedgerTransferAsync(claimId, cancellation);
                return true;
            }
            catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
            {
                return false;
            }
        });
        return row with { Claim = claimed ? ClaimState.Claimed : line.Sequence > 0 ? ClaimState.Claimable : ClaimState.Pending };
    }

    /// <summary>The report as lines and a table.</summary>
    internal static void Render(IAnsiConsole console, NodeStatus s)
    {
        var w = console.Profile.Out.Writer;
        w.WriteLine($"node {s.Address} ({s.Name}): {(s.Online ? "online" : "offline")}, last seen {Time(s.LastSeenAt)} " +
            $"({Ago(s.AsOf - s.LastSeenAt)}), registered {Time(s.RegisteredAt)}");
        var h = s.Hardware;
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hardware: {h.Cores} cores, {h.MemoryBytes / (double)(1L << 30):0.0} GiB memory, {h.Os}, {h.Cpu}; benchmark: " +
                $"{s.Benchmark.SamplesPerSecond:N1} samples/s on {s.Benchmark.Model}"));
        w.WriteLine(h.Gpu is { } gpu
            ? string.Create(CultureInfo.InvariantCulture, $"device: {h.Device ?? gpu.Kind}; gpu {gpu.Name}, {gpu.MemoryBytes >> 20} MiB, " +
                $"{gpu.SamplesPerSecond:N1} samples/s on {s.Benchmark.Model}")
            : $"device: {h.Device ?? "cpu"}");
        w.WriteLine($"datasets: {(s.Datasets.Count == 0 ? "none" : string.Join(", ", s.Datasets))}");
        var m = s.Money;
        w.WriteLine($"available: {Asset.Format(m.Available)} tokens in the wallet");
        w.WriteLine($"reserved: {Asset.Format(m.Reserved)} tokens (stakes locked in rounds now)");
        w.WriteLine($"claimable: {Asset.Format(m.Claimable)} tokens (payouts not yet claimed: swarm round claim ROUND)");
        w.WriteLine($"earned: {Asset.Format(m.Earned)} tokens in all");
        var r = s.Reputation;
        w.WriteLine($"reputation: {r.RoundsJoined} rounds joined, {r.UpdatesSubmitted} updates submitted, {r.Accepted} accepted, {r.Rejected} rejected, "
            + $"{r.Dropped} dropped; acceptance rate {(r.AcceptanceBps is { } bps ? InvoiceStatement.Percent(bps) : "- (nothing judged yet)")}");
        if (s.Rounds.Count == 0)
        {
            w.WriteLine("rounds: none yet");
            return;
        }
        var table = new Table().Title($"recent rounds (newest first, up to {RecentRounds})")
            .AddColumn(new TableColumn("round").NoWrap()).AddColumn("status").AddColumn("this node")
            .AddColumn(new TableColumn("payout").RightAligned()).AddColumn(new TableColumn("quality").RightAligned())
            .AddColumn("claim");
        foreach (var x in s.Rounds)
        {
            var notDone = x.Status != RoundStatus.Done;
            table.AddRow(
                Markup.Escape(x.RoundId),
                Name(x.Status),
                Name(x.ParticipantStatus),
                notDone ? "-" : x.Payout is { } p ? Asset.Format(p) : "not paid",
                x.Accepted switch { true => InvoiceStatement.Percent(x.QualityBps ?? 0), false => "rejected", null => "-" },
                x.Claim switch { ClaimState.Claimed => "claimed", ClaimState.Claimable => "claimable", ClaimState.Pending => "pending", _ => "-" });
        }
        console.Write(table);
    }

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>"12s ago", "5m ago", "3h ago", "2d ago".</summary>
    internal static string Ago(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => "just now",
        { TotalMinutes: < 1 } => $"{(int)span.TotalSeconds}s ago",
        { TotalHours: < 1 } => $"{(int)span.TotalMinutes}m ago",
        { TotalDays: < 1 } => $"{(int)span.TotalHours}h ago",
        _ => $"{(int)span.TotalDays}d ago",
    };
}

/// <summary>Whether a round's payout to the node was moved into its wallet.</summary>
public enum ClaimState { Pending, Claimable, Claimed }

/// <summary>What `swarm node status --json` prints. Amounts are micro-tokens.</summary>
/// <param name="AsOf">When the report was made (what "last seen … ago" is measured from).</param>
public sealed record NodeStatus(
    string Address, string Name, bool Online, DateTimeOffset LastSeenAt, DateTimeOffset RegisteredAt, Hardware Hardware, Benchmark Benchmark,
    IReadOnlyList<string> Datasets, NodeMoney Money, NodeReputation Reputation, IReadOnlyList<NodeRoundStatus> Rounds, DateTimeOffset AsOf);

/// <summary>A node's tokens, micro-tokens.</summary>
/// <param name="Available">Available in the wallet.</param>
/// <param name="Reserved">Held on the wallet by open reservations: the stakes of rounds not closed yet.</param>
/// <param name="Claimable">Payouts not yet claimed into the wallet.</param>
/// <param name="Earned">Paid for its updates, all jobs, claimed or not.</param>
/// <param name="Staked">Locked in rounds that have not settled, as the coordinator counts it.</param>
public sealed record NodeMoney(long Available, long Reserved, long Claimable, long Earned, long Staked);

/// <summary>A node's track record; <paramref name="AcceptanceBps"/> is accepted / (accepted + rejected) in basis points (null before any verdict).</summary>
public sealed record NodeReputation(int RoundsJoined, int UpdatesSubmitted, int Accepted, int Rejected, int Dropped, int? AcceptanceBps);

/// <summary>
/// The node's part in one round (its current attempt). <paramref name="Paid"/> once the round's rewards exist;
/// <paramref name="Payout"/>, <paramref name="QualityBps"/> and <paramref name="Accepted"/> come from its reward line
/// (payout 0 and no verdict when it delivered nothing); <paramref name="Claim"/> is null when there is nothing to claim.
/// </summary>
public sealed record NodeRoundStatus(
    string RoundId, string JobId, int Index, int Attempt, RoundStatus Status, ParticipantStatus ParticipantStatus, bool Paid,
    bool? Accepted, int? QualityBps, long? Payout, long? PayoutSequence, ClaimState? Claim);
