using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>What `swarm bench churn` runs.</summary>
/// <param name="Nodes">Node processes.</param>
/// <param name="Rounds">Rounds of the job.</param>
/// <param name="Kills">Nodes SIGKILLed once each, mid-upload, then restarted (spread evenly over the rounds).</param>
/// <param name="InnerSteps">H of the mlp job (small: the rounds are about the processes, not the model).</param>
/// <param name="UploadKib">Every node's upload cap, KiB/s: it keeps an update's upload in flight long enough to be killed inside.</param>
/// <param name="Seed">Picks the victims and seeds the job.</param>
/// <param name="DataDirectory">The devnet's folder (keys, logs, the coordinator's database).</param>
/// <param name="DatasetDirectory">Fashion-MNIST.</param>
public sealed record ChurnSettings(
    int Nodes, int Rounds, int Kills, int InnerSteps, int UploadKib, int Seed, string DataDirectory, string DatasetDirectory)
{
    /// <summary>round(fraction × nodes), at least one when the fraction is above 0.</summary>
    public static int KillsOf(int nodes, double fraction) => fraction <= 0 ? 0 : Math.Clamp((int)Math.Round(fraction * nodes), 1, nodes);
}

/// <summary>One SIGKILL: whose, in which round, and what the coordinator had of the update when the process died.</summary>
/// <param name="UpdateStored">The update's blob was on the coordinator right after the kill (then the kill was not mid-upload).</param>
/// <param name="SubmittedBeforeKill">The coordinator had the node's update acknowledged right after the kill.</param>
public sealed record ChurnKill(int Node, string Address, int Round, string RoundId, string Blob, bool UpdateStored, bool SubmittedBeforeKill)
{
    /// <summary>The process died with its update's upload in flight: neither the blob nor the submission had arrived.</summary>
    public bool MidUpload => !UpdateStored && !SubmittedBeforeKill;
}

/// <summary>What the run saw: the job, the kills and restarts, and the settlement checks (<see cref="ChurnSettlement"/>).</summary>
public sealed record ChurnReport(
    JobView Job, int RoundsClosed, int Attempts, IReadOnlyList<ChurnKill> Kills, int Restarts, int KilledNodesDeliveredAfterRestart,
    ChurnSettlement Settlement, double Seconds);

/// <summary>
/// `swarm bench churn`: a devnet of real processes on 127.0.0.1 (coordinator, validator, N nodes) runs one mlp job of R rounds
/// while chosen nodes are SIGKILLed with their update's upload in flight and started again on the same key; then the money
/// is checked to the micro-token (<see cref="ChurnSettlement"/>).
/// </summary>
public static partial class ChurnRun
{
    /// <summary>Runs it; <paramref name="progress"/> hears one line per kill and restart.</summary>
    public static async Task<ChurnReport> RunAsync(ChurnSettings settings, Action<string> progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew();
        string[] nodeArgs = ["--upload-limit", settings.UploadKib.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        await using var devnet = await Cli.Devnet.Devnet.StartAsync(new DevnetOptions
        {
            DataDirectory = settings.DataDirectory, Nodes = settings.Nodes, DatasetDirectory = settings.DatasetDirectory, NodeArgs = nodeArgs,
        }, cancellation);
        using var client = devnet.CreatorClient();
        var addresses = (await client.NodesAsync(cancellation)).ToDictionary(n => n.Name, n => n.Address, StringComparer.Ordinal);
        var spec = Spec(settings);
        var quote = await client.QuoteAsync(spec, cancellation);
        var job = await client.SubmitJobAsync(spec, quote, quote.Total, 24 * 3600, cancellation: cancellation);

        var schedule = Schedule(settings);
        var kills = new List<ChurnKill>();
        var restarts = 0;
        foreach (var (index, victims) in schedule.OrderBy(s => s.Key))
        {
            var roundId = $"{job.Id}-r{index}";
            var killed = await Task.WhenAll(victims.Select(n => KillMidUploadAsync(devnet, client, n, addresses[$"node-{n}"], index, roundId, cancellation)));
            foreach (var kill in killed)
            {
                kills.Add(kill);
                progress($"round {index}: SIGKILLed node-{kill.Node} uploading {kill.Blob[..12]}… (stored: {kill.UpdateStored}, " +
                         $"submitted: {kill.SubmittedBeforeKill}); restarting it");
                devnet.StartNode(kill.Node, nodeArgs);
                restarts++;
            }
        }
        // A generous deadline: three minutes a round on a loaded machine.
        var ended = await WaitForEndAsync(client, job.Id, TimeSpan.FromMinutes(5 + 3.0 * settings.Rounds), cancellation);
        var rounds = await client.JobRoundsAsync(job.Id, cancellation);
        var settlement = await ChurnSettlement.CheckAsync(client, ended, rounds, Cli.Devnet.Devnet.CreatorFunds, cancellation);
        var delivered = kills.Count(k => rounds.Any(r => r.Index >= k.Round && r.Participants.Any(p =>
            p.Node == k.Address && p.Status == ParticipantStatus.Submitted)));
        return new ChurnReport(ended, rounds.Count(r => r.Status == RoundStatus.Done && r.Metrics is not null), rounds.Count, kills, restarts,
            delivered, settlement, clock.Elapsed.TotalSeconds);
    }

    /// <summary>An mlp job every node can join each round, with short windows so a dead node costs little.</summary>
    public static JobSpec Spec(ChurnSettings settings) => new()
    {
        Name = "churn", Model = "mlp", Dataset = "fashion-mnist", Rounds = settings.Rounds, MinNodes = 1, MaxNodes = settings.Nodes,
        InnerSteps = settings.InnerSteps, BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg",
        TrainSamples = 12_000, OpenSeconds = 20, TrainSeconds = 180, Seed = (ulong)settings.Seed,
    };

    /// <summary>Victims (node numbers, seeded) by the round they die in, spread evenly: kill k of K falls in round ⌊(k + ½) R / K⌋.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<int>> Schedule(ChurnSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var victims = Enumerable.Range(1, settings.Nodes).ToArray();
        new Random(settings.Seed).Shuffle(victims);
        return victims.Take(settings.Kills)
            .Select((node, k) => (Node: node, Round: (int)((k + 0.5) * settings.Rounds / settings.Kills)))
            .GroupBy(v => v.Round)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)[.. g.Select(v => v.Node).Order()]);
    }

    // Waits for the node's "uploading update" line of the round, SIGKILLs it at once, then asks the coordinator what it got.
    private static async Task<ChurnKill> KillMidUploadAsync(
        Cli.Devnet.Devnet devnet, SwarmClient client, int number, string address, int index, string roundId, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            var process = devnet.Nodes[number - 1];
            if (process.HasExited)
                throw new InvalidOperationException($"node-{number} exited with code {process.ExitCode} before round {roundId}; see {process.LogPath}");
            var line = process.ReadLog().Split('\n').LastOrDefault(l => l.Contains($" {roundId} ", StringComparison.Ordinal) &&
                                                                       l.Contains("uploading update:", StringComparison.Ordinal));
            if (line is not null && BlobOf().Match(line) is { Success: true } m)
            {
                process.Kill();
                var blob = m.Groups[1].Value;
                var stored = await BlobStoredAsync(client, blob, cancellation);
                var round = await client.RoundAsync(roundId, cancellation);
                var submitted = round.Participants.Any(p => p.Node == address && p.Status == ParticipantStatus.Submitted);
                return new ChurnKill(number, address, index, roundId, blob, stored, submitted);
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"node-{number} did not start uploading in round {roundId} within 10 minutes; see {process.LogPath}");
            await Task.Delay(20, cancellation);
        }
    }

    private static async Task<bool> BlobStoredAsync(SwarmClient client, string blob, CancellationToken cancellation)
    {
        try
        {
            await client.GetBlobAsync(blob, cancellation);
            return true;
        }
        catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Polls the job until it is no longer running (or <paramref name="timeout"/> passes); the crash bench waits the same way.</summary>
    internal static async Task<JobView> WaitForEndAsync(SwarmClient client, string jobId, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await client.JobAsync(jobId, cancellation);
            if (job.Status != JobStatus.Running)
                return job;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"job {jobId} did not end within {timeout.TotalMinutes:F0} minutes ({job.RoundsDone} rounds done)");
            await Task.Delay(500, cancellation);
        }
    }

    [GeneratedRegex(@"blob ([0-9a-f]{64})")]
    private static partial Regex BlobOf();
}
