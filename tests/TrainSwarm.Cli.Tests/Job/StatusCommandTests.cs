using System.Text.RegularExpressions;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Job;

/// <summary>`swarm job list` and `swarm job status` on jobs whose rounds were played by hand against a devnet coordinator.</summary>
[Collection(SwarmCollection.Name)]
public sealed class StatusCommandTests(SwarmFixture swarm)
{
    private const long Funds = 50 * Asset.UnitsPerToken;

    /// <summary>Two rounds; the test plays the first, so the job runs on with round 1 open and one round billed.</summary>
    private static readonly JobSpec TwoRounds = Specs.OneRound with { Name = "cli two rounds", Rounds = 2 };

    private async Task<(string Id, string Creator)> SubmitAsync(JobSpec spec, string budget)
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Funds);
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(spec), "--budget", budget, "--key", key, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        return (SwarmFixture.JobIdIn(output), address);
    }

    private async Task<JobView> JobAsync(string id)
    {
        using var client = swarm.Client();
        return await client.JobAsync(id);
    }

    [Fact]
    public async Task Status_of_a_job_with_a_played_round_shows_the_stage_the_rounds_the_money_and_the_links()
    {
        var (id, creator) = await SubmitAsync(TwoRounds, "8");
        var (roundId, _, _) = await swarm.PlayRoundAsync(id, baseLoss: 2.0, updatedLoss: 2.5);
        await SwarmFixture.EventuallyAsync(async () => (await JobAsync(id)).Billing!.Spent > 0, "round 0 to be billed");
        var job = await JobAsync(id);
        IReadOnlyList<RoundView> rounds;
        using (var client = swarm.Client())
            rounds = await client.JobRoundsAsync(id);
        var next = Assert.Single(rounds, r => r.Index == 1);

        var (code, output) = await CliRunner.Run("job", "status", id, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var lines = Lines.Of(output);
        Assert.Equal($"job {id} \"cli two rounds\": mlp on fashion-mnist, 2 rounds × up to 1 nodes × H=100 × batch 64, fedavg", lines[0]);
        Assert.Equal($"creator: {creator}", lines[1]);
        Assert.Equal("status: running; 1 of 2 rounds done", lines[2]);
        Assert.StartsWith($"stage: round 1 of 2 (0-based), attempt {next.Attempt}: open, 0 of 1 nodes joined (needs 1), until ", lines[3]);
        Assert.Equal("accuracy: holdout 40.00%, test 40.00%", lines[5]);
        Assert.Matches(@"^│ 0\s+│ \d+\s+│ done\s+│\s+1 │\s+1/1 │\s+2\.0000 → 2\.5000 │\s+40\.00% │\s+40\.00% │$",
            Assert.Single(lines, l => l.StartsWith("│ 0 ", StringComparison.Ordinal)));
        Assert.Matches(@"^│ 1\s+│ \d+\s+│ open\s+│\s+0 │\s+-/0 │\s+- │\s+- │\s+- │$",
            Assert.Single(lines, l => l.StartsWith("│ 1 ", StringComparison.Ordinal)));
        Assert.Contains($"escrow: 8.000000 tokens reserved (transfer {job.Billing!.EscrowTransferId}); quoted {Asset.Format(job.Billing.Quoted)}", lines);
        Assert.Contains(lines, l => l.StartsWith($"billed so far: {Asset.Format(job.Billing.Spent)} tokens; deadline: ", StringComparison.Ordinal));
        Assert.Contains($"model: {swarm.Url}/api/v1/jobs/{id}/model (swarm job download {id})", lines);
        Assert.Contains($"invoice: {swarm.Url}/api/v1/jobs/{id}/invoice (swarm job invoice {id})", lines);
        Assert.Equal($"events: {swarm.Url}/api/v1/events?job={id} (swarm job watch {id})", lines[^1]);

        // The bill so far is exactly what left the creator's wallet for good: budget − spent is still reserved.
        var balances = await swarm.BalancesAsync(creator);
        Assert.Equal((Funds - 8 * Asset.UnitsPerToken, 8 * Asset.UnitsPerToken - job.Billing.Spent), (balances.Wallet, balances.Reserved));
        Assert.Equal($"{id}-r0", roundId);
    }

    [Fact]
    public async Task Status_json_has_the_job_the_round_rows_and_the_links()
    {
        var (id, _) = await SubmitAsync(Specs.OneRound, "9");
        await swarm.PlayRoundAsync(id, baseLoss: 2.0, updatedLoss: 1.5);
        await SwarmFixture.EventuallyAsync(async () => (await JobAsync(id)).Status == JobStatus.Completed, "the job to complete");

        var (code, output) = await CliRunner.Run("job", "status", id, "--coordinator", swarm.Url, "--json");
        Assert.True(code == 0, output);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(id, root.GetProperty("job").GetProperty("id").GetString());
        Assert.Equal("completed", root.GetProperty("job").GetProperty("status").GetString());
        Assert.StartsWith("completed: ", root.GetProperty("stage").GetString(), StringComparison.Ordinal);
        var row = Assert.Single(root.GetProperty("rounds").EnumerateArray());
        Assert.Equal((0, "done", 1, 1), (row.GetProperty("index").GetInt32(), row.GetProperty("status").GetString(), row.GetProperty("accepted")
            .GetInt32(), row.GetProperty("updates").GetInt32()));
        Assert.Equal(1.5, row.GetProperty("metrics").GetProperty("holdoutLoss").GetDouble());
        Assert.Equal($"{swarm.Url}/api/v1/jobs/{id}/model", root.GetProperty("links").GetProperty("model").GetString());
    }

    [Theory]
    [InlineData("nope", "error: 'nope' is not a job id (j + 12 lowercase hex characters, as swarm job list shows) (see --help)", 2)]
    [InlineData("j000000000000", "error: cannot read job j000000000000: 404 Not found: no job j000000000000", 1)]
    public async Task Status_of_a_bad_or_unknown_id_is_one_line(string id, string expected, int exitCode)
    {
        var (code, output) = await CliRunner.Run("job", "status", id, "--coordinator", swarm.Url);
        Assert.Equal(exitCode, code);
        Assert.Equal(expected, Lines.Single(output));
    }

    [Fact]
    public async Task List_shows_each_job_with_rounds_accuracy_budget_and_billed()
    {
        var (played, creator) = await SubmitAsync(TwoRounds, "7.5");
        await swarm.PlayRoundAsync(played, baseLoss: 2.0, updatedLoss: 2.5);
        await SwarmFixture.EventuallyAsync(async () => (await JobAsync(played)).Billing!.Spent > 0, "round 0 to be billed");
        var job = await JobAsync(played);

        var (code, output) = await CliRunner.Run("job", "list", "--creator", creator, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var lines = Lines.Of(output);
        var row = Assert.Single(lines, l => l.Contains(played, StringComparison.Ordinal));
        var created = job.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches(
            $@"^│ {played} │ cli two rounds\s+│ mlp\s+│ fashion-mnist │ running\s+│\s+1/2 │\s+40\.00% │\s+7\.500000 " +
                $@"│\s+{Regex.Escape(Asset.Format(job.Billing!.Spent))} │ {created}\s+│$", row);
        Assert.Equal("1 job; details: swarm job status ID", lines[^1]);
    }

    [Fact]
    public async Task List_filters_by_status_and_prints_json()
    {
        var (running, creator) = await SubmitAsync(Specs.Waiting, "1");
        var (key, _) = await swarm.FundedKeyFileAsync(Funds);
        var (cancelledCode, cancelledOut) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.Waiting), "--budget", "1", "--key", key,
            "--coordinator", swarm.Url);
        Assert.True(cancelledCode == 0, cancelledOut);
        var cancelled = SwarmFixture.JobIdIn(cancelledOut);
        Assert.Equal(0, (await CliRunner.Run("job", "cancel", cancelled, "--key", key, "--coordinator", swarm.Url)).ExitCode);

        var (code, output) = await CliRunner.Run("job", "list", "--status", "cancelled", "--coordinator", swarm.Url, "--json");
        Assert.True(code == 0, output);
        var jobs = SwarmJson.Deserialize<List<JobView>>(output);
        Assert.Contains(jobs, j => j.Id == cancelled);
        Assert.DoesNotContain(jobs, j => j.Id == running);
        Assert.All(jobs, j => Assert.Equal(JobStatus.Cancelled, j.Status));

        var (mineCode, mine) = await CliRunner.Run("job", "list", "--creator", creator, "--status", "completed", "--coordinator", swarm.Url);
        Assert.Equal(0, mineCode);
        Assert.Equal("no completed jobs", Lines.Single(mine));

        var (badCode, bad) = await CliRunner.Run("job", "list", "--status", "done", "--coordinator", swarm.Url);
        Assert.Equal(2, badCode);
        Assert.StartsWith("error: Argument 'done' not recognized", Lines.Single(bad), StringComparison.Ordinal);
    }
}
