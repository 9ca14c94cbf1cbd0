using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// What one cartpole-ppo job on a real devnet took: wall time from the job's submission to the round that reached the target, env steps
/// over all nodes, rounds, and where the time went, summed over the rounds from the coordinator's own phase times: open → training
/// (nodes joining), training → validating (training and uploading), validating → done (the validator taking the round, scoring,
/// replaying, aggregating, posting).
/// </summary>
internal sealed record RlSwarmFigures(
    bool Solved, double WallSeconds, int Rounds, long EnvSteps, long EnvStepsPerNode, double? MeanReturn, double JoinSeconds, double TrainSeconds,
    double ValidateSeconds, IReadOnlyList<double> RoundSeconds);

/// <summary>Runs <see cref="RlDemoJob"/> on a fresh devnet of real processes (`swarm devnet --preset cartpole` does the same) and measures it.</summary>
internal static class RlSwarmRun
{
    /// <summary>Starts a devnet of <paramref name="nodes"/> nodes, runs the job to its end and returns its figures; the network is stopped after.</summary>
    public static async Task<RlSwarmFigures> RunAsync(int nodes, int maxRounds, CancellationToken cancellation)
    {
        var folder = Path.Combine(Path.GetTempPath(), "trainswarm-bench-rl-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // The network is started and every node registered before the clock starts: that is start-up, not the job.
            await using var devnet = await Cli.Devnet.Devnet.StartAsync(new DevnetOptions { DataDirectory = folder, Nodes = nodes }, cancellation);
            using var client = devnet.CreatorClient();
            var spec = RlDemoJob.Spec(maxRounds, nodes);
            var job = await client.SubmitJobAsync(spec, cancellation: cancellation);
            await foreach (var e in client.EventsAsync(job.Id, 0, cancellation))
                if (e.Type == EventTypes.JobDone)
                    break;
            job = await client.JobAsync(job.Id, cancellation);
            var rounds = (await client.JobRoundsAsync(job.Id, cancellation)).Where(r => r.Status == RoundStatus.Done).OrderBy(r => r.Index).ToList();
            if (rounds.Count == 0)
                throw new InvalidOperationException($"the rl job ended without a finished round: {job.StatusReason}");
            var target = spec.RlSettings.TargetReturn;
            var reached = rounds.FirstOrDefault(r => r.Metrics?.MeanReturn >= target);
            var counted = rounds.Where(r => r.Index <= (reached ?? rounds[^1]).Index).ToList();
            long Steps(RoundView r) => (long)r.Participants.Count(p => p.Status == ParticipantStatus.Submitted) * r.InnerSteps * r.BatchSize;
            static double Seconds(DateTimeOffset? from, DateTimeOffset? to) => from is { } f && to is { } t ? (t - f).TotalSeconds : 0;
            return new RlSwarmFigures(
                reached is not null, Seconds(job.CreatedAt, counted[^1].DoneAt), counted.Count, counted.Sum(Steps),
                counted.Sum(r => (long)r.InnerSteps * r.BatchSize), counted[^1].Metrics?.MeanReturn,
                counted.Sum(r => Seconds(r.OpenedAt, r.TrainingAt)), counted.Sum(r => Seconds(r.TrainingAt, r.ValidatingAt)),
                counted.Sum(r => Seconds(r.ValidatingAt, r.DoneAt)), [.. counted.Select(r => Math.Round(Seconds(r.OpenedAt, r.DoneAt), 3))]);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A log still open by a process that is going away: the temporary folder is left behind, nothing else.
            }
        }
    }
}
