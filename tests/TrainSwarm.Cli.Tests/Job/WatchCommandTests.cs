using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Job;

/// <summary>`swarm job watch`: following a job live over SSE while its round is played by hand, to its end.</summary>
[Collection(SwarmCollection.Name)]
public sealed class WatchCommandTests(SwarmFixture swarm)
{
    private const long Funds = 50 * Asset.UnitsPerToken;

    private async Task<(string Id, string Key)> SubmitAsync(JobSpec spec)
    {
        var (key, _) = await swarm.FundedKeyFileAsync(Funds);
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(spec), "--budget", "9", "--key", key, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        return (SwarmFixture.JobIdIn(output), key);
    }

    [Fact]
    public async Task Watch_follows_a_job_to_completion_with_progress_and_a_round_table_and_exits_0()
    {
        var (id, _) = await SubmitAsync(Specs.OneRound);
        // Events replay from the job's first, so the watcher misses nothing however soon the round is played.
        var watch = CliRunner.Run("job", "watch", id, "--coordinator", swarm.Url);
        var (roundId, _, node) = await swarm.PlayRoundAsync(id, baseLoss: 2.0, updatedLoss: 1.6);

        var (code, output) = await watch.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, output);
        using var client = swarm.Client();
        var job = await client.JobAsync(id);
        Assert.Equal(JobStatus.Completed, job.Status);
        var lines = Lines.Of(output);
        Assert.Equal($"watching job {id} (mlp on fashion-mnist, 1 rounds); Ctrl+C stops watching, not the job", lines[0]);
        Assert.Contains(lines, l => l.EndsWith("round 0 open for up to 1 nodes", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("cli-test-node: round 0: accepted, holdout loss 2.0000 → 1.6000", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("round 0 done: holdout accuracy", StringComparison.Ordinal));
        Assert.Contains("progress: ████████████████████ 1/1 rounds (100%)", lines);
        Assert.Contains(lines, l => l.EndsWith($"job {id} completed: {job.StatusReason}", StringComparison.Ordinal));
        Assert.Matches(@"^│ 0\s+│ \d+\s+│ done\s+│\s+1 │\s+1/1 │\s+2\.0000 → 1\.6000 │\s+40\.00% │\s+40\.00% │$",
            Assert.Single(lines, l => l.StartsWith("│ 0 ", StringComparison.Ordinal)));
        Assert.Equal($"job {id} completed: {job.StatusReason}; get the model: swarm job download {id}", lines[^1]);
        Assert.Equal($"{id}-r0", roundId);
        Assert.StartsWith("ts1", node, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_json_prints_one_event_per_line_ending_with_job_done()
    {
        var (id, _) = await SubmitAsync(Specs.OneRound);
        var watch = CliRunner.Run("job", "watch", id, "--coordinator", swarm.Url, "--json");
        await swarm.PlayRoundAsync(id);

        var (code, output) = await watch.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, output);
        var events = Lines.Of(output).Select(l => SwarmJson.Deserialize<SwarmEvent>(l)).ToList();
        Assert.All(events, e => Assert.Equal(id, e.JobId));
        Assert.Equal(EventTypes.JobSubmitted, events[0].Type);
        Assert.Equal(EventTypes.JobDone, events[^1].Type);
        Assert.Contains(events, e => e.Type == EventTypes.RoundDone);
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence)); // in commit order, none twice
        Assert.Equal(events.Count, events.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task Watch_of_a_cancelled_job_replays_it_and_exits_1()
    {
        var (id, key) = await SubmitAsync(Specs.Waiting);
        Assert.Equal(0, (await CliRunner.Run("job", "cancel", id, "--key", key, "--coordinator", swarm.Url)).ExitCode);

        var (code, output) = await CliRunner.Run("job", "watch", id, "--coordinator", swarm.Url).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, code);
        var lines = Lines.Of(output);
        Assert.Contains(lines, l => l.EndsWith($"job {id} cancelled by the creator", StringComparison.Ordinal));
        Assert.Equal($"job {id} cancelled: cancelled by the creator; its bill: swarm job invoice {id}", lines[^1]);
    }
}
