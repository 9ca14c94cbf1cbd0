using System.Text.Json;
using System.Text.RegularExpressions;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Node;

/// <summary>`swarm node status` against a real devnet coordinator with a round played by hand.</summary>
[Collection(SwarmCollection.Name)]
public sealed class StatusCommandTests(SwarmFixture swarm, ITestOutputHelper log)
{
    /// <summary>A one-round job, submitted through the CLI and played by a new node (quality 80%), settled.</summary>
    private async Task<(string RoundId, string NodeKey, string Node, RewardLine Line)> PaidRoundAsync()
    {
        var (key, _) = await swarm.FundedKeyFileAsync(50 * Asset.UnitsPerToken);
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.OneRound), "--key", key, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var jobId = SwarmFixture.JobIdIn(output);
        var (roundId, nodeKey, node) = await swarm.PlayRoundAsync(jobId);
        using var client = swarm.Client();
        await SwarmFixture.EventuallyAsync(async () => (await client.InvoiceAsync(jobId)).Settled, "the round to settle");
        // The stake is voided when the round closes: wait until nothing is reserved on the node's wallet any more.
        await SwarmFixture.EventuallyAsync(async () => (await client.BalancesAsync(node)).Reserved == 0, "the stake to be released");
        var line = Assert.Single((await client.RoundRewardsAsync(roundId)).Lines);
        return (roundId, nodeKey, node, line);
    }

    private Task<(int ExitCode, string Output)> Status(params string[] args) =>
        CliRunner.Run(["node", "status", .. args, "--coordinator", swarm.Url]);

    private static string Value(string[] lines, string label) =>
        Assert.Single(lines, l => l.StartsWith(label + ": ", StringComparison.Ordinal))[(label.Length + 2)..];

    [Fact]
    public async Task A_paid_round_shows_its_payout_and_quality_until_claimed_then_claimed_and_the_wallet_grew_by_the_payout()
    {
        var (roundId, nodeKey, node, line) = await PaidRoundAsync();
        Assert.True(line.Payout > 0);
        Assert.Equal(8000, line.QualityBps);

        var (code, output) = await Status("--key", nodeKey);
        Assert.True(code == 0, output);
        log.WriteLine(output);
        var lines = Lines.Of(output);
        Assert.Matches($@"^node {node} \(cli-test-node\): (online|offline), last seen \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ \(.+\), registered " +
            $@"\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ$", lines[0]);
        Assert.Equal("4 cores, 8.0 GiB memory, linux, x64; benchmark: 1,000.0 samples/s on mlp", Value(lines, "hardware"));
        Assert.Equal("10.000000 tokens in the wallet", Value(lines, "available"));
        Assert.Equal("0.000000 tokens (stakes locked in rounds now)", Value(lines, "reserved"));
        Assert.StartsWith($"{Asset.Format(line.Payout)} tokens (payouts not yet claimed", Value(lines, "claimable"), StringComparison.Ordinal);
        Assert.Equal($"{Asset.Format(line.Payout)} tokens in all", Value(lines, "earned"));
        Assert.Equal("1 rounds joined, 1 updates submitted, 1 accepted, 0 rejected, 0 dropped; acceptance rate 100.00%", Value(lines, "reputation"));
        var row = Assert.Single(lines, l => l.Contains(roundId, StringComparison.Ordinal));
        Assert.Matches($@"│ {roundId}\s+│ done\s+│ submitted\s+│\s+{Regex.Escape(Asset.Format(line.Payout))} │\s+80\.00% │ claimable\s+│", row);

        var (claimCode, claimOutput) = await CliRunner.Run("round", "claim", roundId, "--key", nodeKey, "--coordinator", swarm.Url);
        Assert.True(claimCode == 0, claimOutput);

        var (afterCode, after) = await Status("--key", nodeKey);
        Assert.True(afterCode == 0, after);
        log.WriteLine(after);
        var afterLines = Lines.Of(after);
        Assert.Matches($@"│ {roundId}\s+│ done\s+│ submitted\s+│\s+{Regex.Escape(Asset.Format(line.Payout))} │\s+80\.00% │ claimed\s+│",
            Assert.Single(afterLines, l => l.Contains(roundId, StringComparison.Ordinal)));
        Assert.Equal($"{Asset.Format(10 * Asset.UnitsPerToken + line.Payout)} tokens in the wallet", Value(afterLines, "available"));
        Assert.StartsWith("0.000000 tokens (payouts not yet claimed", Value(afterLines, "claimable"), StringComparison.Ordinal);
        Assert.Equal($"{Asset.Format(line.Payout)} tokens in all", Value(afterLines, "earned"));
        Assert.Equal(10 * Asset.UnitsPerToken + line.Payout, (await swarm.BalancesAsync(node)).Wallet);

        // --address reads the same node without its key.
        var (byAddressCode, byAddress) = await Status("--address", node);
        Assert.True(byAddressCode == 0, byAddress);
        Assert.Contains(Lines.Of(byAddress), l => l.Contains(roundId, StringComparison.Ordinal) && l.Contains("claimed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_carries_the_same_numbers()
    {
        var (roundId, nodeKey, node, line) = await PaidRoundAsync();

        var (code, output) = await Status("--key", nodeKey, "--json");
        Assert.True(code == 0, output);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(node, root.GetProperty("address").GetString());
        Assert.Equal("cli-test-node", root.GetProperty("name").GetString());
        Assert.Equal(4, root.GetProperty("hardware").GetProperty("cores").GetInt32());
        Assert.Equal("mlp", root.GetProperty("benchmark").GetProperty("model").GetString());
        var money = root.GetProperty("money");
        Assert.Equal(10 * Asset.UnitsPerToken, money.GetProperty("available").GetInt64());
        Assert.Equal(0, money.GetProperty("reserved").GetInt64());
        Assert.Equal(line.Payout, money.GetProperty("claimable").GetInt64());
        Assert.Equal(line.Payout, money.GetProperty("earned").GetInt64());
        var reputation = root.GetProperty("reputation");
        Assert.Equal(1, reputation.GetProperty("roundsJoined").GetInt32());
        Assert.Equal(1, reputation.GetProperty("updatesSubmitted").GetInt32());
        Assert.Equal(1, reputation.GetProperty("accepted").GetInt32());
        Assert.Equal(0, reputation.GetProperty("rejected").GetInt32());
        Assert.Equal(0, reputation.GetProperty("dropped").GetInt32());
        Assert.Equal(10_000, reputation.GetProperty("acceptanceBps").GetInt32());
        var round = Assert.Single(root.GetProperty("rounds").EnumerateArray());
        Assert.Equal(roundId, round.GetProperty("roundId").GetString());
        Assert.Equal("done", round.GetProperty("status").GetString());
        Assert.Equal("submitted", round.GetProperty("participantStatus").GetString());
        Assert.True(round.GetProperty("paid").GetBoolean());
        Assert.True(round.GetProperty("accepted").GetBoolean());
        Assert.Equal(line.Payout, round.GetProperty("payout").GetInt64());
        Assert.Equal(8000, round.GetProperty("qualityBps").GetInt32());
        Assert.Equal(line.Sequence, round.GetProperty("payoutSequence").GetInt64());
        Assert.Equal("claimable", round.GetProperty("claim").GetString());

        Assert.Equal(0, (await CliRunner.Run("round", "claim", roundId, "--key", nodeKey, "--coordinator", swarm.Url)).ExitCode);
        var (afterCode, after) = await Status("--key", nodeKey, "--json");
        Assert.True(afterCode == 0, after);
        using var afterDoc = JsonDocument.Parse(after);
        Assert.Equal("claimed", afterDoc.RootElement.GetProperty("rounds")[0].GetProperty("claim").GetString());
        Assert.Equal(10 * Asset.UnitsPerToken + line.Payout, afterDoc.RootElement.GetProperty("money").GetProperty("available").GetInt64());
        Assert.Equal(0, afterDoc.RootElement.GetProperty("money").GetProperty("claimable").GetInt64());
    }

    [Fact]
    public async Task A_round_in_progress_comes_first_with_its_stake_reserved_and_nothing_paid_yet()
    {
        var (paidRound, nodeKey, node, line) = await PaidRoundAsync();
        var (creator, _) = await swarm.FundedKeyFileAsync(50 * Asset.UnitsPerToken);
        var (submitCode, submitted) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.OneRound), "--key", creator, "--coordinator", swarm.Url);
        Assert.True(submitCode == 0, submitted);
        var current = $"{SwarmFixture.JobIdIn(submitted)}-r0";
        using (var key = Protocol.Identity.ActorKey.Load(nodeKey))
        using (var client = swarm.Client(key))
            await client.JoinAsync(current);

        var (code, output) = await Status("--key", nodeKey);
        Assert.True(code == 0, output);
        log.WriteLine(output);
        var lines = Lines.Of(output);
        Assert.Equal("9.000000 tokens in the wallet", Value(lines, "available"));
        Assert.Equal("1.000000 tokens (stakes locked in rounds now)", Value(lines, "reserved"));
        Assert.Equal("2 rounds joined, 1 updates submitted, 1 accepted, 0 rejected, 0 dropped; acceptance rate 100.00%", Value(lines, "reputation"));
        var rows = lines.Where(l => l.Contains("-r0", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Matches($@"│ {current}\s+│ training\s+│ joined\s+│\s+- │\s+- │ -\s+│", rows[0]);
        Assert.Matches($@"│ {paidRound}\s+│ done\s+│ submitted\s+│\s+{Regex.Escape(Asset.Format(line.Payout))} │\s+80\.00% │ claimable\s+│", rows[1]);

        var (jsonCode, json) = await Status("--key", nodeKey, "--json");
        Assert.True(jsonCode == 0, json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(1 * Asset.UnitsPerToken, doc.RootElement.GetProperty("money").GetProperty("staked").GetInt64());
        var first = doc.RootElement.GetProperty("rounds")[0];
        // Nothing paid yet: the wire JSON leaves the payout, quality and claim out (nulls are not written).
        Assert.Equal((current, "training", false, false, false, false),
            (first.GetProperty("roundId").GetString(), first.GetProperty("status").GetString(), first.GetProperty("paid").GetBoolean(),
                first.TryGetProperty("payout", out _), first.TryGetProperty("qualityBps", out _), first.TryGetProperty("claim", out _)));
        Assert.Equal(node, doc.RootElement.GetProperty("address").GetString());
    }

    [Fact]
    public async Task A_key_the_coordinator_does_not_know_is_one_line_and_exit_1()
    {
        var (path, address) = swarm.NewKeyFile("stranger");
        var (code, output) = await Status("--key", path);
        Assert.Equal(1, code);
        Assert.Equal($"error: {address} is not a registered node; start it with swarm node start", Lines.Single(output));

        // Registered, but as a creator: still not a node.
        var (creator, creatorAddress) = await swarm.FundedKeyFileAsync(0);
        var (creatorCode, creatorOutput) = await Status("--key", creator, "--json");
        Assert.Equal(1, creatorCode);
        Assert.Equal($"error: {creatorAddress} is not a registered node; start it with swarm node start", Lines.Single(creatorOutput));
    }

    [Fact]
    public async Task A_missing_key_file_says_how_to_make_one()
    {
        var path = Path.Combine(swarm.Folder, "nowhere.pem");
        var (code, output) = await Status("--key", path);
        Assert.Equal(1, code);
        Assert.Equal($"error: no node key at {path}; swarm node start --key {path} creates one and registers the node", Lines.Single(output));
    }

    [Fact]
    public async Task A_malformed_address_is_bad_usage()
    {
        var (code, output) = await Status("--address", "ts1xyz");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --address ts1xyz is not an address", Lines.Single(output));
    }

    [Fact]
    public async Task A_node_that_joined_nothing_has_no_rounds_and_no_acceptance_rate()
    {
        var (path, address) = swarm.NewKeyFile("idle");
        using (var key = Protocol.Identity.ActorKey.Load(path))
        using (var client = swarm.Client(key))
            await client.RegisterNodeAsync("idle-node", new Hardware(2, 4L << 30, "linux", "arm64"), new Benchmark("mlp", 250.5), ["fashion-mnist"]);

        var (code, output) = await Status("--key", path);
        Assert.True(code == 0, output);
        var lines = Lines.Of(output);
        Assert.StartsWith($"node {address} (idle-node): online", lines[0], StringComparison.Ordinal);
        Assert.Equal("0 rounds joined, 0 updates submitted, 0 accepted, 0 rejected, 0 dropped; acceptance rate - (nothing judged yet)", Value(lines,
            "reputation"));
        Assert.Equal("rounds: none yet", lines[^1]);
    }
}
