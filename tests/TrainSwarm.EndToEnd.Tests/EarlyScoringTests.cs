using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>The validator scores each update when it is delivered, while the round's other nodes still train, and the verdict keeps that score.</summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class EarlyScoringTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_update_is_scored_while_another_node_still_trains_and_its_verdict_carries_that_score()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 2);
        // H = 1500 keeps both nodes training for several seconds, so the second node is stopped before its upload.
        var spec = new JobSpec
        {
            Name = "e2e early", Model = "mlp", Dataset = "fashion-mnist", Rounds = 1, MinNodes = 2, MaxNodes = 2, InnerSteps = 1500, BatchSize = 64,
            LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 24_000, OpenSeconds = 30,
            TrainSeconds = 300, Seed = 11,
        };
        var job = await net.Creator.SubmitJobAsync(spec);
        var roundId = $"{job.Id}-r0";
        await Wait.ForAsync(async () => await net.Creator.RoundAsync(roundId) is { Status: RoundStatus.Training } r ? r : null,
            TimeSpan.FromMinutes(2), "round 0 to start training");
        var nodes = await net.Creator.NodesAsync();
        var (first, held) = (net.Net.Nodes[0], net.Net.Nodes[1]);
        var (firstAddress, heldAddress) = (nodes.Single(n => n.Name == first.Name).Address, nodes.Single(n => n.Name == held.Name).Address);
        // SIGSTOP: the second node's process is frozen mid-training, so its update cannot arrive until it is continued.
        Signal(held.Id, "STOP");
        try
        {
            var atStop = await net.Creator.RoundAsync(roundId);
            Assert.Equal(ParticipantStatus.Joined, atStop.Participants.Single(p => p.Node == heldAddress).Status);

            var validatorLog = net.Net.Validators[0];
            var line = await Wait.ForAsync(() => Task.FromResult(EarlyLine(validatorLog.ReadLog(), firstAddress)), TimeSpan.FromMinutes(4),
                "the validator to score the first node's update early");
            // The observable order: the first update was scored while the round still waited for the second one.
            var whenScored = await net.Creator.RoundAsync(roundId);
            Assert.Equal(RoundStatus.Training, whenScored.Status);
            Assert.Equal(ParticipantStatus.Submitted, whenScored.Participants.Single(p => p.Node == firstAddress).Status);
            Assert.Equal(ParticipantStatus.Joined, whenScored.Participants.Single(p => p.Node == heldAddress).Status);
            Assert.Equal("1", line.Groups["in"].Value);

            Signal(held.Id, "CONT");
            job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(5));
            Assert.Equal(JobStatus.Completed, job.Status);
            var result = (await net.Creator.RoundResultAsync(roundId)).Result;
            Assert.Equal(2, result.Verdicts.Count(v => v.Accepted));
            // The verdict carries exactly the score taken early (the log prints it round-trippable).
            var verdict = result.Verdicts.Single(v => v.Node == firstAddress);
            Assert.Equal(line.Groups["blob"].Value, verdict.UpdateBlob);
            Assert.Equal(double.Parse(line.Groups["loss"].Value, CultureInfo.InvariantCulture), verdict.UpdatedLoss);
            Assert.Equal(double.Parse(line.Groups["acc"].Value, CultureInfo.InvariantCulture), verdict.UpdatedAccuracy);
        }
        finally
        {
            if (!held.HasExited)
                Signal(held.Id, "CONT");
        }
    }

    private static Match? EarlyLine(string log, string node) =>
        EarlyScored().Matches(log).FirstOrDefault(m => m.Groups["node"].Value == node);

    [GeneratedRegex(@"scored node (?<node>\S+)'s update (?<blob>[0-9a-f]+) early \((?<in>\d+) of \d+ updates in\): "
        + @"holdout loss (?<loss>\S+), accuracy (?<acc>\S+)")]
    private static partial Regex EarlyScored();

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill!.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
