using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>Whole jobs on a devnet of real processes: the model improves, and what the coordinator reports is what a user gets.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SwarmJobTests(ITestOutputHelper output)
{
    /// <summary>3 nodes, mlp, 4 rounds on a 24,000-sample subset: about a minute on two cores.</summary>
    private static JobSpec QuickMlp(int rounds = 4, int innerSteps = 100) => new()
    {
        Name = "e2e", Model = "mlp", Dataset = "fashion-mnist", Rounds = rounds, MinNodes = 1, MaxNodes = 3, InnerSteps = innerSteps,
        BatchSize = 64, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 24_000,
        OpenSeconds = 10, TrainSeconds = 300, Seed = 7,
    };

    [Fact]
    public async Task Three_nodes_improve_the_model_every_round_on_average_and_the_download_matches_the_report()
    {
        await using var net = await DevnetScope.StartAsync(output);
        var job = await net.Creator.SubmitJobAsync(QuickMlp());
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(6));

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(4, job.RoundsDone);
        var rounds = (await net.Creator.JobRoundsAsync(job.Id)).Where(r => r.Metrics is not null).OrderBy(r => r.Index).ToList();
        Assert.Equal([0, 1, 2, 3], rounds.Select(r => r.Index));
        // Every round used all three nodes' updates.
        Assert.All(rounds, r => Assert.Equal(3, r.Participants.Count(p => p.Status == ParticipantStatus.Submitted)));
        // Holdout accuracy gains, averaged over the rounds, are positive (the first round starts from random weights).
        var gains = rounds.Select(r => r.Metrics!.HoldoutAccuracy - r.Metrics.BaseHoldoutAccuracy).ToList();
        output.WriteLine("holdout accuracy per round: " + string.Join(", ", rounds.Select(r => r.Metrics!.HoldoutAccuracy.ToString("F4"))));
        Assert.True(gains.Average() > 0, $"average gain {gains.Average():F4}");
        // Each round starts from the previous round's model, so its base scores exactly what that model scored.
        for (var i = 1; i < rounds.Count; i++)
        {
            Assert.Equal(rounds[i - 1].NewModel, rounds[i].BaseModel);
            Assert.Equal(rounds[i - 1].Metrics!.HoldoutAccuracy, rounds[i].Metrics!.BaseHoldoutAccuracy);
            Assert.Equal(rounds[i - 1].Metrics!.HoldoutLoss, rounds[i].Metrics!.BaseHoldoutLoss);
        }
        Assert.True(rounds[^1].Metrics!.TestAccuracy >= 0.80, $"test accuracy {rounds[^1].Metrics!.TestAccuracy:F4} < 0.80");

        // The downloaded model, evaluated here by the engine, gives exactly the accuracy the validator reported
        // (same weights, same data, same deterministic kernels).
        var bytes = await net.Creator.DownloadModelAsync(job.Id);
        var model = ModelBuilder.Build("mlp", null, 0);
        ModuleWeights.Import(model, SafeTensorsReader.Read(bytes));
        var test = FashionMnist.LoadTest(DevnetScope.DatasetDirectory);
        var local = Evaluator.Evaluate(model, test);
        Assert.Equal(rounds[^1].Metrics!.TestSamples, local.Samples);
        Assert.Equal(rounds[^1].Metrics!.TestAccuracy, local.Accuracy, 12);
        Assert.Equal(job.LastMetrics!.TestAccuracy, local.Accuracy, 12);
    }

    [Fact]
    public async Task A_node_killed_mid_round_is_dropped_at_the_deadline_and_the_job_completes()
    {
        await using var net = await DevnetScope.StartAsync(output);
        // H = 1500 keeps every node training for several seconds, so the kill lands before its upload.
        var spec = QuickMlp(rounds: 2, innerSteps: 1500) with { MinNodes = 2, TrainSeconds = 45, OpenSeconds = 3 };
        var job = await net.Creator.SubmitJobAsync(spec);
        var roundId = $"{job.Id}-r0";
        var training = await Wait.ForAsync(async () => await net.Creator.RoundAsync(roundId) is { Status: RoundStatus.Training } r ? r : null,
            TimeSpan.FromMinutes(1), "round 0 to start training");
        var victim = net.Net.Nodes[2];
        var nodes = await net.Creator.NodesAsync();
        var victimAddress = nodes.Single(n => n.Name == victim.Name).Address;
        Assert.Contains(training.Participants, p => p.Node == victimAddress);
        victim.Kill();

        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(5));
        Assert.Equal(JobStatus.Completed, job.Status);
        var round0 = (await net.Creator.JobRoundsAsync(job.Id)).Where(r => r.Index == 0).MaxBy(r => r.Attempt)!;
        Assert.Equal(1, round0.Attempt);
        Assert.Equal(ParticipantStatus.Dropped, round0.Participants.Single(p => p.Node == victimAddress).Status);
        Assert.Equal(2, round0.Participants.Count(p => p.Status == ParticipantStatus.Submitted));
        Assert.NotNull(round0.Metrics);
    }

    [Fact]
    public async Task A_coordinator_killed_mid_job_resumes_after_restart_and_loses_no_acknowledged_update()
    {
        await using var net = await DevnetScope.StartAsync(output);
        var job = await net.Creator.SubmitJobAsync(QuickMlp(rounds: 3, innerSteps: 300));
        // Wait until round 1 has at least one acknowledged update, then kill the coordinator without warning.
        var before = await Wait.ForAsync(async () =>
        {
            var rounds = await net.Creator.JobRoundsAsync(job.Id);
            return rounds.Any(r => r.Index >= 1 && r.Participants.Any(p => p.Status == ParticipantStatus.Submitted)) ? rounds : null;
        }, TimeSpan.FromMinutes(3), "an acknowledged update in round 1");
        net.Net.Coordinator!.Kill();
        var acknowledged = before.SelectMany(r => r.Participants.Where(p => p.Status == ParticipantStatus.Submitted)
            .Select(p => (r.Id, r.Attempt, p.Node, p.UpdateBlob))).ToList();

        await net.Net.StartCoordinatorAsync(CancellationToken.None);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(5));

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(3, job.RoundsDone);
        var after = await net.Creator.JobRoundsAsync(job.Id);
        foreach (var (id, attempt, node, blob) in acknowledged)
        {
            var round = after.Single(r => r.Id == id && r.Attempt == attempt);
            var participant = round.Participants.Single(p => p.Node == node);
            Assert.Equal(ParticipantStatus.Submitted, participant.Status);
            Assert.Equal(blob, participant.UpdateBlob);
            // GetBlobAsync throws unless the blob is stored and its bytes hash to its id.
            Assert.NotEmpty(await net.Creator.GetBlobAsync(blob!));
        }
    }
}

/// <summary>Devnets share two cores: their tests run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
