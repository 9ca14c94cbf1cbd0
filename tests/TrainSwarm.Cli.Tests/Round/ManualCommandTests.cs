using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TrainSwarm.Cli.Commands;
using TrainSwarm.Cli.Commands.Round;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Round;

/// <summary>
/// Manual mode against a real devnet coordinator: `swarm round list|join|train|status` for a small mlp job, a round
/// trained for real by the CLI (the node daemon's trainer) and judged by a validator played by hand.
/// </summary>
[Collection(SwarmCollection.Name)]
public sealed partial class ManualCommandTests(SwarmFixture swarm)
{
    private const string Nowhere = "http://127.0.0.1:9";
    private const long Stake = 1_000_000; // the devnet coordinator's stake per round

    private static readonly JobSpec Manual = new()
    {
        Name = "manual", Model = "mlp", Dataset = "fashion-mnist", Rounds = 1, MinNodes = 1, MaxNodes = 1, InnerSteps = 4, BatchSize = 8,
        TrainSamples = 64, Seed = 9, OpenSeconds = 3600, TrainSeconds = 3600, ValidateSeconds = 3600,
    };

    private async Task<JobView> SubmitAsync(JobSpec spec)
    {
        var (creator, _) = await swarm.FundedKeyFileAsync(50 * Asset.UnitsPerToken);
        using var key = ActorKey.Load(creator);
        using var client = swarm.Client(key);
        return await client.SubmitJobAsync(spec);
    }

    [Fact]
    public async Task A_round_is_listed_joined_trained_delivered_judged_and_paid_by_hand()
    {
        var job = await SubmitAsync(Manual);
        var roundId = $"{job.Id}-r0";
        var (nodeKey, node) = await swarm.FundedKeyFileAsync(5 * Asset.UnitsPerToken, "node");
        using var client = swarm.Client();
        var open = await client.RoundAsync(roundId);

        // list: one row for the job's open round, with its pay and the stake a join locks.
        var (listCode, list) = await CliRunner.Run("round", "list", "--job", job.Id, "--coordinator", swarm.Url);
        Assert.Equal(0, listCode);
        var row = Assert.Single(Lines.Of(list), l => l.Contains(roundId, StringComparison.Ordinal));
        Assert.Matches($@"│ {roundId} │ {job.Id} │\s+0 │\s+1 │ open\s+│ fashion-mnist │\s+0/1 " +
            $@"│\s+{Esc(Asset.Format(open.ExpectedReward!.Value))} │\s+1\.000000 │ {Esc(RoundText.Time(open.PhaseDeadline))} │", row);
        var (jsonCode, json) = await CliRunner.Run("round", "list", "--job", job.Id, "--status", "open", "--coordinator", swarm.Url, "--json");
        Assert.Equal(0, jsonCode);
        var listed = Assert.Single(SwarmJson.Deserialize<List<RoundListRow>>(json)!);
        Assert.Equal(new RoundListRow(roundId, job.Id, 0, 1, RoundStatus.Open, "fashion-mnist", "mlp", 0, 1, open.ExpectedReward.Value, Stake,
            open.PhaseDeadline), listed);
        using (var doc = JsonDocument.Parse(json))
            Assert.Equal("open", doc.RootElement[0].GetProperty("status").GetString());

        // join: registers the key as a node for the round's dataset, locks the stake, prints the assignment.
        var (joinCode, joined) = await CliRunner.Run("round", "join", roundId, "--key", nodeKey, "--coordinator", swarm.Url);
        Assert.True(joinCode == 0, joined);
        var assignment = Assert.Single(await client.AssignmentsAsync(node));
        Assert.Equal(
        [
            $"registered {node} as a node for dataset fashion-mnist",
            $"joined round {roundId} (job {job.Id}, round 0, attempt 1) as {node}; 1.000000 tokens staked",
            "shard: 1 of 1 (slot 0)",
            $"seed: {assignment.Seed}",
            $"base model: {job.InitialModelBlob}",
            "work: mlp on fashion-mnist, 4 steps of batch 8, sgd at learning rate 0.05",
            $"train by: {RoundText.Time(assignment.TrainDeadline)}",
            $"next: swarm round train {roundId}",
        ], Lines.Of(joined));
        Assert.Equal(Stake, (await swarm.BalancesAsync(node)).Reserved);

        // status before training: this node holds the only place and has delivered nothing.
        var (statusCode, status) = await CliRunner.Run("round", "status", roundId, "--key", nodeKey, "--coordinator", swarm.Url);
        Assert.Equal(0, statusCode);
        var training = await client.RoundAsync(roundId);
        var statusLines = Lines.Of(status);
        Assert.Equal($"round {roundId} (job {job.Id}, round 0, attempt 1): training, phase deadline {RoundText.Time(training.PhaseDeadline)}", statusLines[0]);
        Assert.Matches($@"│ {node} │\s+0 │\s+1/1 │ joined\s+│ no\s+│ -\s+│",
            Assert.Single(statusLines, l => l.StartsWith($"│ {node}", StringComparison.Ordinal)));
        Assert.Contains($"this node ({node}): joined, shard 1/1 (slot 0), seed {assignment.Seed}, base model {job.InitialModelBlob}, " +
                        $"train by {RoundText.Time(assignment.TrainDeadline)}", statusLines);
        Assert.Contains($"its update: not delivered yet; train it with: swarm round train {roundId}", statusLines);

        // train: 3 of the 4 steps (--max-batches), on the node's shard of 64 samples, uploaded and acknowledged.
        var (trainCode, trained) = await CliRunner.Run("round", "train", roundId, "--key", nodeKey, "--max-batches", "3", "--dataset-dir",
            "/usr/share/datasets/fashion-mnist", "--coordinator", swarm.Url);
        Assert.True(trainCode == 0, trained);
        var updates = await client.RoundUpdatesAsync(roundId);
        var receipt = Assert.Single(updates).Receipt;
        Assert.Equal((node, 3, 24L, "fashion-mnist", "f32", assignment.Seed), (receipt.Node, receipt.Steps, receipt.Samples, receipt.DatasetUsed,
            receipt.Encoding, receipt.Seed));
        var bytes = (await client.GetBlobAsync(receipt.UpdateBlob)).Length;
        var trainLines = Lines.Of(trained).Select(StripTime).ToList();
        Assert.Contains($"{roundId,-18}  training: 3 steps on 64 samples of fashion-mnist (the round's H is 4)", trainLines);
        Assert.Contains(trainLines, l => Regex.IsMatch(l, $@"^{roundId}\s+step 3/3 \(100%\)  loss [0-9]\.[0-9]{{4}}  [0-9,]+ samples/s$"));
        Assert.Contains($"{roundId,-18}  uploaded update: {bytes:N0} bytes, blob {receipt.UpdateBlob}", trainLines);
        Assert.Contains(trainLines, l => l.StartsWith($"{roundId,-18}  submitted: 3 steps, 24 samples of fashion-mnist, final loss ",
            StringComparison.Ordinal));
        var ack = (await client.RoundAsync(roundId)).Participants.Single().SubmittedAt!.Value;
        Assert.Equal($"delivered: round {roundId} attempt 1, update {receipt.UpdateBlob} ({bytes:N0} bytes) from {node}, acknowledged at " +
            $"{RoundText.Time(ack)}", trainLines[^1]);

        // status after: delivered, the round waits for its validator.
        var (afterCode, after) = await CliRunner.Run("round", "status", roundId, "--key", nodeKey, "--coordinator", swarm.Url, "--json");
        Assert.Equal(0, afterCode);
        var report = SwarmJson.Deserialize<RoundStatusReport>(after)!;
        Assert.Equal(RoundStatus.Validating, report.Round.Status);
        Assert.Equal(ParticipantStatus.Submitted, report.Node!.Participant!.Status);
        Assert.Null(report.Node.Assignment);
        Assert.Equal(SwarmJson.Serialize(receipt), SwarmJson.Serialize(report.Node.Update));
        Assert.Equal(SwarmJson.Serialize(receipt), SwarmJson.Serialize(Assert.Single(report.Updates)));
        Assert.Null(report.Result);
        var (textCode, text) = await CliRunner.Run("round", "status", roundId, "--key", nodeKey, "--coordinator", swarm.Url);
        Assert.Equal(0, textCode);
        Assert.Matches($@"│ {node} │\s+0 │\s+1/1 │ submitted │ yes\s+│ {receipt.UpdateBlob[..12]}… │",
            Assert.Single(Lines.Of(text), l => l.StartsWith($"│ {node}", StringComparison.Ordinal)));

        // train again: nothing left to train.
        var (againCode, again) = await CliRunner.Run("round", "train", roundId, "--key", nodeKey, "--coordinator", swarm.Url);
        Assert.Equal(1, againCode);
        Assert.Equal($"error: node {node} already delivered its update to round {roundId} (attempt 1)", Lines.Single(again));

        // A validator judges it (holdout loss 2.0 → 1.5: full quality) and the round pays for the 24 samples trained, not H × batch.
        await JudgeAsync(roundId, receipt);
        await SwarmFixture.EventuallyAsync(async () => (await client.RoundRewardsAsync(roundId)).Settled, "the round to settle");
        var rewards = await client.RoundRewardsAsync(roundId);
        var line = Assert.Single(rewards.Lines);
        var t = rewards.Terms;
        Assert.Equal((24L, 32L), (line.Samples, t.MaxSamplesPerUpdate));
        Assert.Equal((long)((Int128)24 * t.TrainingFlopsPerSample * t.PricePerUnit / 1_000_000_000), line.Payout);
        Assert.True(line.Payout < open.ExpectedReward.Value, $"{line.Payout} for 24 samples is not below {open.ExpectedReward} for 32");

        var (doneCode, done) = await CliRunner.Run("round", "status", roundId, "--key", nodeKey, "--coordinator", swarm.Url);
        Assert.Equal(0, doneCode);
        var doneLines = Lines.Of(done);
        Assert.StartsWith($"round {roundId} (job {job.Id}, round 0, attempt 1): done since ", doneLines[0]);
        Assert.Contains("its verdict: accepted, holdout loss 2.0000 → 1.5000, accuracy 50.0% → 60.0%", doneLines);
        Assert.Contains($"its payout: {Asset.Format(line.Payout)} tokens (quality weight 100.00%), payout transfer {line.TransferId}, ledger entry " +
            $"#{line.Sequence}; " +
                        $"claim it with: swarm round claim {roundId}", doneLines);
        Assert.Equal("result: holdout loss 2.0000 → 1.5000, holdout accuracy 50.0% → 60.0%, test accuracy 59.0%; 1 of 1 updates accepted; new model " +
                     (await client.RoundAsync(roundId)).NewModel, doneLines[^1]);
    }

    [Fact]
    public async Task Joining_a_full_round_or_one_of_an_ended_job_is_one_line()
    {
        var (creatorKey, _) = await swarm.FundedKeyFileAsync(50 * Asset.UnitsPerToken);
        using var creator = ActorKey.Load(creatorKey);
        using var creatorClient = swarm.Client(creator);
        var job = await creatorClient.SubmitJobAsync(Manual with { Name = "full" });
        var roundId = $"{job.Id}-r0";
        var (first, firstAddress) = await swarm.FundedKeyFileAsync(5 * Asset.UnitsPerToken, "node");
        var (second, secondAddress) = await swarm.FundedKeyFileAsync(5 * Asset.UnitsPerToken, "node");
        var (firstCode, firstJson) = await CliRunner.Run("round", "join", roundId, "--key", first, "--coordinator", swarm.Url, "--json");
        Assert.True(firstCode == 0, firstJson);
        using (var doc = JsonDocument.Parse(firstJson))
        using (var reader = swarm.Client())
        {
            var root = doc.RootElement;
            Assert.Equal((firstAddress, true, Stake), (root.GetProperty("node").GetString(), root.GetProperty("registered").GetBoolean(),
                root.GetProperty("stake").GetInt64()));
            var assignment = root.GetProperty("assignment").Deserialize<Assignment>(SwarmJson.Options)!;
            // The join answer carries the round's audit commitment; the listing stays as older coordinators served it.
            Assert.Equal(64, assignment.AuditCommitment?.Length);
            Assert.Equal(SwarmJson.Serialize(Assert.Single(await reader.AssignmentsAsync(firstAddress))),
                SwarmJson.Serialize(assignment with { AuditCommitment = null }));
        }

        var (fullCode, full) = await CliRunner.Run("round", "join", roundId, "--key", second, "--coordinator", swarm.Url);
        Assert.Equal(1, fullCode);
        Assert.Equal($"error: cannot join round {roundId}: 409 Conflict: round {roundId} is training, not open for joining", Lines.Of(full)[^1]);
        Assert.Equal(0, (await swarm.BalancesAsync(secondAddress)).Reserved);

        // The second node was registered on the way (its first join); train refuses a round it does not hold.
        var (trainCode, train) = await CliRunner.Run("round", "train", roundId, "--key", second, "--coordinator", swarm.Url);
        Assert.Equal(1, trainCode);
        Assert.Equal($"error: node {secondAddress} has not joined round {roundId}; join it first: swarm round join {roundId}", Lines.Single(train));

        await creatorClient.CancelJobAsync(job.Id);
        var (endedCode, ended) = await CliRunner.Run("round", "join", roundId, "--key", second, "--coordinator", swarm.Url, "--json");
        Assert.Equal(1, endedCode);
        Assert.Equal($"error: cannot join round {roundId}: 409 Conflict: job {job.Id} has ended (cancelled)", Lines.Single(ended));
    }

    [Fact]
    public async Task An_unknown_round_is_one_line_from_every_command()
    {
        var (key, _) = await swarm.FundedKeyFileAsync(0, "node");
        const string id = "j000000000000-r0";
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["join", id, "--key", key], $"error: cannot join round {id}: 404 Not found: no round {id}"),
            (["train", id, "--key", key], $"error: cannot train round {id}: 404 Not found: no round {id}"),
            (["status", id], $"error: cannot read round {id}: 404 Not found: no round {id}"),
        })
        {
            var (code, output) = await CliRunner.Run(["round", .. args, "--coordinator", swarm.Url]);
            Assert.Equal(1, code);
            Assert.Equal(expected, Lines.Single(output));
        }
    }

    [Theory]
    [InlineData("list", "--status", "finished")]
    [InlineData("join")]
    [InlineData("train")]
    [InlineData("status")]
    [InlineData("train", "j000000000000-r0", "--max-batches", "0")]
    [InlineData("train", "j000000000000-r0", "--epochs", "0")]
    [InlineData("train", "j000000000000-r0", "--encoding", "f16")]
    public async Task Bad_usage_is_exit_2(params string[] args)
    {
        var (code, output) = await CliRunner.Run(["round", .. args, "--coordinator", Nowhere]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", Lines.Single(output));
    }

    [Fact]
    public async Task An_unreachable_coordinator_is_one_line()
    {
        var (code, output) = await CliRunner.Run("round", "list", "--coordinator", Nowhere);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: cannot reach the coordinator at {Nowhere}/", Lines.Single(output));
    }

    [Theory]
    [InlineData("list", "Example: swarm round list --status open")]
    [InlineData("join", "Example: swarm round join j0123456789ab-r0 --key")]
    [InlineData("train", "Example: swarm round train j0123456789ab-r0 --key")]
    [InlineData("status", "Example: swarm round status j0123456789ab-r0 --key")]
    public void Every_round_command_has_an_example_json_and_a_coordinator_option(string name, string example)
    {
        var root = SwarmApp.BuildRoot(Spectre.Console.AnsiConsole.Create(
            new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(TextWriter.Null) }));
        var command = root.Subcommands.Single(c => c.Name == "round").Subcommands.Single(c => c.Name == name);
        Assert.Contains(example, command.Description, StringComparison.Ordinal);
        Assert.Contains(command.Options, o => o.Name == "--json");
        Assert.Contains(command.Options, o => o.Name == "--coordinator" && o.Description!.Contains("TRAINSWARM_COORDINATOR", StringComparison.Ordinal));
    }

    /// <summary>A validator takes the round and posts its result: the one update accepted (holdout loss 2.0 → 1.5).</summary>
    private async Task JudgeAsync(string roundId, TrainingReceipt receipt)
    {
        using var validator = ActorKey.Generate();
        using var client = swarm.Client(validator);
        await client.RegisterActorAsync("validator");
        var task = await client.TakeValidationAsync(roundId);
        var newModel = await client.PutBlobAsync(Encoding.UTF8.GetBytes($"model {Guid.NewGuid()}"));
        var verdict = new UpdateVerdict(receipt.Node, receipt.UpdateBlob, true, null, receipt.Samples, receipt.Steps, 1.0, 2.0, 0.5, 1.5, 0.6, 1.0);
        var result = new RoundResult(roundId, task.Round.Attempt, validator.Address, task.Round.BaseModel, newModel, "fedavg", null, [verdict],
            new RoundMetrics(2.0, 0.5, 1.5, 0.6, 100, 1.5, 0.59, 100));
        await client.SubmitResultAsync(roundId, new RoundResultSubmission(result, DocumentSignature.Sign(validator, result)));
    }

    // "12:34:56  " at the start of an event line.
    private static string StripTime(string line) => TimePrefix().Replace(line, "");

    // The time in front and the round's trace id at the end (NodeConsoleObserverTests checks it).
    [GeneratedRegex(@"^\d\d:\d\d:\d\d  |  trace=[0-9a-f]{32}$")]
    private static partial Regex TimePrefix();

    private static string Esc(string text) => Regex.Escape(text);
}
