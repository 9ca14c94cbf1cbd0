using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Round;

/// <summary>`swarm round rewards|claim` against a real devnet coordinator with a round played by hand.</summary>
[Collection(SwarmCollection.Name)]
public sealed class RoundCommandTests(SwarmFixture swarm)
{
    private const string Nowhere = "http://127.0.0.1:9";

    /// <summary>A one-round job, submitted through the CLI and played (quality 80%), settled.</summary>
    private async Task<(string JobId, string RoundId, string NodeKey, string Node, RoundRewards Rewards)> PaidRoundAsync()
    {
        var (key, _) = await swarm.FundedKeyFileAsync(50 * Asset.UnitsPerToken);
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.OneRound), "--key", key, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var jobId = SwarmFixture.JobIdIn(output);
        var (roundId, nodeKey, node) = await swarm.PlayRoundAsync(jobId);
        using var client = swarm.Client();
        await SwarmFixture.EventuallyAsync(async () => (await client.InvoiceAsync(jobId)).Settled, "the round to settle");
        return (jobId, roundId, nodeKey, node, await client.RoundRewardsAsync(roundId));
    }

    [Theory]
    [InlineData("rewards")]
    [InlineData("claim")]
    public async Task A_missing_round_id_is_bad_usage(string command)
    {
        var (code, output) = await CliRunner.Run("round", command, "--coordinator", Nowhere);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", Lines.Single(output));
    }

    [Fact]
    public async Task Rewards_of_a_round_not_paid_show_the_coordinators_detail()
    {
        var (code, output) = await CliRunner.Run("round", "rewards", "j000000000000-r0", "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal("error: cannot read the rewards of round j000000000000-r0: 404 Not found: round j000000000000-r0 has not been paid (yet)",
            Lines.Single(output));
    }

    [Fact]
    public async Task Rewards_show_each_update_the_fees_and_the_total()
    {
        var (jobId, roundId, _, node, rewards) = await PaidRoundAsync();
        var line = Assert.Single(rewards.Lines);

        var (code, output) = await CliRunner.Run("round", "rewards", roundId, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        var lines = Lines.Of(output);
        Assert.Equal($"Rewards of round {roundId} (job {jobId}, round 0, try 1), judged by validator {rewards.Validator}", lines[0]);
        var row = Assert.Single(lines, l => l.Contains(node[..11] + "…", StringComparison.Ordinal));
        Assert.Matches($@"│ {node[..11]}…\s+│ yes\s+│\s+│\s+6,400 │ 2\.0000 → 2\.5000\s+│\s+80\.00% │\s+{Esc(Asset.Format(line.Payout))} " +
            $@"│\s+#{line.Sequence} │", row);
        Assert.Contains(lines, l => l.Contains("protocol fee", StringComparison.Ordinal) && l.Contains(Asset.Format(rewards.ProtocolFee.Amount),
            StringComparison.Ordinal));
        Assert.Equal($"total: {Asset.Format(rewards.Total)} tokens billed to the job's creator; settled (every transfer is committed to the ledger)",
            lines[^1]);
        Assert.Equal(line.Payout + rewards.ValidatorFee.Amount + rewards.ProtocolFee.Amount, rewards.Total);

        var (jsonCode, json) = await CliRunner.Run("round", "rewards", roundId, "--coordinator", swarm.Url, "--json");
        Assert.Equal(0, jsonCode);
        Assert.Equal(SwarmJson.Serialize(rewards), SwarmJson.Serialize(SwarmJson.Deserialize<RoundRewards>(json)));
    }

    [Fact]
    public async Task Claim_moves_the_payout_into_the_wallet_once()
    {
        var (_, roundId, nodeKey, node, rewards) = await PaidRoundAsync();
        var payout = Assert.Single(rewards.Lines).Payout;
        var before = await swarm.BalancesAsync(node);
        Assert.Equal(payout, before.Claimable);

        var (code, output) = await CliRunner.Run("round", "claim", roundId, "--key", nodeKey, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        Assert.Matches(
            $@"^claimed {Esc(Asset.Format(payout))} tokens from round {roundId} into the wallet of {node} \(transfer [0-9a-f]{{32}}, ledger entry #[0-9]+\)$",
            Lines.Single(output));
        var after = await swarm.BalancesAsync(node);
        Assert.Equal((before.Wallet + payout, 0L), (after.Wallet, after.Claimable));

        var (again, againOutput) = await CliRunner.Run("round", "claim", roundId, "--key", nodeKey, "--coordinator", swarm.Url);
        Assert.Equal(0, again);
        Assert.StartsWith($"already claimed: the {Asset.Format(payout)} tokens of round {roundId} were moved into the wallet of {node} before",
            Lines.Single(againOutput));
        Assert.Equal(after.Wallet, (await swarm.BalancesAsync(node)).Wallet);
    }

    [Fact]
    public async Task Claim_by_a_node_the_round_did_not_pay_is_nothing_to_claim()
    {
        var (_, roundId, _, _, _) = await PaidRoundAsync();
        var (other, address) = await swarm.FundedKeyFileAsync(0, "node");
        var (code, output) = await CliRunner.Run("round", "claim", roundId, "--key", other, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        Assert.Equal($"nothing to claim for {roundId}: {address} did not deliver an update in it", Lines.Single(output));

        var (jsonCode, json) = await CliRunner.Run("round", "claim", roundId, "--key", other, "--coordinator", swarm.Url, "--json");
        Assert.Equal(0, jsonCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("nothing", doc.RootElement.GetProperty("status").GetString());
    }

    // A malformed round id is refused by the CLI itself (one line, bad usage) with the Protocol's format check, before
    // the coordinator (here unreachable) is asked; the coordinator's own refusal is checked in its tests.
    [Theory]
    [InlineData("claim")]
    [InlineData("rewards")]
    [InlineData("status")]
    public async Task A_malformed_round_id_is_bad_usage_without_calling_the_coordinator(string verb)
    {
        var (code, output) = await CliRunner.Run("round", verb, "r1", "--coordinator", "http://127.0.0.1:9");
        Assert.Equal(2, code);
        Assert.Equal("error: 'r1' is not a round id (a job id, -r and the round's index, e.g. j0123456789ab-r0, as swarm round list shows) (see --help)",
            Lines.Single(output));
    }

    private static string Esc(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
