using System.Diagnostics;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>What `swarm bench crash` runs.</summary>
/// <param name="Kills">Coordinator SIGKILLs.</param>
/// <param name="Nodes">Node processes training all along.</param>
/// <param name="RoundsPerJob">Rounds of each mlp job; when one ends before the kills are done the next is submitted, so training covers them all.</param>
/// <param name="MaxDelayMs">The kill comes a seeded uniform 0–this many milliseconds after the coordinator answered again.</param>
/// <param name="Seed">Seeds the kill moments, the replica picked and the jobs.</param>
/// <param name="Database">A PostgreSQL connection string (two replicas, a random one killed each time); null: SQLite, one coordinator.</param>
public sealed record CrashSettings(
    int Kills, int Nodes, int RoundsPerJob, int MaxDelayMs, int Seed, string DataDirectory, string DatasetDirectory, string? Database);

/// <summary>What the run saw.</summary>
public sealed record CrashReport(
    int Kills, int Restarts, int BankChecksPassed, IReadOnlyList<string> BankProblems, IReadOnlyList<JobView> Jobs, int RoundsClosed,
    int Acknowledged, int Lost, int PayoutsDoubled, int PayoutsMissing, bool SettlementsExact, IReadOnlyList<string> Problems, double Seconds)
{
    /// <summary>Every invariant held.</summary>
    public bool Ok => BankProblems.Count == 0 && BankChecksPassed == Restarts && Lost == 0 && PayoutsDoubled == 0 && PayoutsMissing == 0 &&
                      SettlementsExact && Jobs.All(j => j.Status == JobStatus.Completed) && Acknowledged > 0;
}

/// <summary>
/// `swarm bench crash`: a devnet of real processes trains mlp jobs while the coordinator (a random replica of two on PostgreSQL) is
/// SIGKILLed at seeded random moments and restarted on the same data; the ledger is bank-checked after every restart and the
/// acknowledged updates and the money at the end.
/// </summary>
public static class CrashRun
{
    /// <summary>Runs it; <paramref name="progress"/> hears one line per kill.</summary>
    public static async Task<CrashReport> RunAsync(CrashSettings settings, Action<string> progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var clock = Stopwatch.StartNew();
        var replicas = settings.Database is null ? 1 : 2;
        await using var devnet = await Cli.Devnet.Devnet.StartAsync(new DevnetOptions
        {
            DataDirectory = settings.DataDirectory, Nodes = settings.Nodes, DatasetDirectory = settings.DatasetDirectory,
            Database = settings.Database, Replicas = replicas,
        }, cancellation);
        var ledger = settings.Database ?? Path.Combine(settings.DataDirectory, "coordinator", "swarm.db");
        var minted = Cli.Devnet.Devnet.CreatorFunds + settings.Nodes * Cli.Devnet.Devnet.NodeFunds;
        using var client = devnet.CreatorClient();
        var addresses = (await client.NodesAsync(cancellation)).ToDictionary(n => n.Name, n => n.Address, StringComparer.Ordinal);
        var random = new Random(settings.Seed);
        var jobs = new List<string> { await SubmitAsync(client, settings, 0, cancellation) };
        var bankProblems = new List<string>();
        var (restarts, passed) = (0, 0);
        for (var kill = 1; kill <= settings.Kills; kill++)
        {
            // The chaos schedule itself (not a wait for a state): the kill lands at a seeded random moment of the work.
            await Task.Delay(random.Next(settings.MaxDelayMs + 1), cancellation);
            var replica = random.Next(replicas);
            devnet.Coordinators[replica]!.Kill();
            await devnet.StartReplicaAsync(replica, cancellation);
            restarts++;
            var problems = await CrashChecks.BankAsync(ledger, minted, cancellation);
            if (problems.Count == 0)
                passed++;
            bankProblems.AddRange(problems.Select(p => $"after kill {kill}: {p}"));
            var job = await client.JobAsync(jobs[^1], cancellation);
            progress($"kill {kill}/{settings.Kills}: SIGKILLed {Cli.Devnet.Devnet.ReplicaName(replica)} at round {job.RoundsDone} of {job.Id}, " +
                     $"restarted; bank check {(problems.Count == 0 ? "holds" : "FAILS: " + string.Join("; ", problems))}");
            if (job.Status != JobStatus.Running && kill < settings.Kills)
                jobs.Add(await SubmitAsync(client, settings, jobs.Count, cancellation));
        }
        return await FinishAsync(devnet, client, settings, jobs, addresses, (restarts, passed, bankProblems), clock, cancellation);
    }

    private static async Task<CrashReport> FinishAsync(Cli.Devnet.Devnet devnet, SwarmClient client, CrashSettings settings, List<string> jobIds,
        Dictionary<string, string> addresses, (int Restarts, int Passed, List<string> Problems) bank, Stopwatch clock, CancellationToken cancellation)
    {
        var jobs = new List<JobView>();
        foreach (var id in jobIds)
            jobs.Add(await ChurnRun.WaitForEndAsync(client, id, TimeSpan.FromMinutes(5 + 3.0 * settings.RoundsPerJob), cancellation));
        var rounds = new List<RoundView>();
        foreach (var id in jobIds)
            rounds.AddRange(await client.JobRoundsAsync(id, cancellation));
        var problems = new List<string>();
        var billed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var id in jobIds)
            billed[id] = (await client.InvoiceAsync(id, cancellation)).TotalBilled;
        var exact = true;
        var (doubled, missing) = (0, 0);
        foreach (var job in jobs)
        {
            // The creator paid for every job: its wallet is checked against the starting funds less all the others' bills.
            var funds = Cli.Devnet.Devnet.CreatorFunds - billed.Where(b => b.Key != job.Id).Sum(b => b.Value);
            var settlement = await ChurnSettlement.CheckAsync(client, job, [.. rounds.Where(r => r.JobId == job.Id)], funds, cancellation);
            exact &= settlement.Exact;
            problems.AddRange(settlement.Problems.Select(p => $"{job.Id}: {p}"));
            var (d, m) = await CrashChecks.PayoutsAsync(client, job.Id, cancellation);
            (doubled, missing) = (doubled + d, missing + m);
        }
        var logs = devnet.Nodes.ToDictionary(n => n.Name, n => n.ReadLog(), StringComparer.Ordinal);
        var acknowledged = CrashChecks.Acknowledged(logs);
        var lost = CrashChecks.Lost(acknowledged, addresses, rounds);
        problems.AddRange(lost.Select(l => $"{l.Node}'s acknowledged update {l.Blob[..12]}… of {l.RoundId} attempt {l.Attempt} is not stored"));
        problems.AddRange(bank.Problems);
        return new CrashReport(bank.Restarts, bank.Restarts, bank.Passed, bank.Problems, jobs,
            rounds.Count(r => r.Status == RoundStatus.Done && r.Metrics is not null), acknowledged.Count, lost.Count, doubled, missing, exact, problems,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>A small mlp job of many short rounds that every node joins.</summary>
    public static JobSpec Spec(CrashSettings settings, int number)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new JobSpec
        {
            Name = $"crash-{number + 1}", Model = "mlp", Dataset = "fashion-mnist", Rounds = settings.RoundsPerJob, MinNodes = 1,
            MaxNodes = settings.Nodes, InnerSteps = 5, BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9,
            Strategy = "fedavg", TrainSamples = 6_000, OpenSeconds = 20, TrainSeconds = 180, Seed = (ulong)(settings.Seed + number),
        };
    }

    private static async Task<string> SubmitAsync(SwarmClient client, CrashSettings settings, int number, CancellationToken cancellation)
    {
        var spec = Spec(settings, number);
        var quote = await client.QuoteAsync(spec, cancellation);
        return (await client.SubmitJobAsync(spec, quote, quote.Total, 24 * 3600, cancellation: cancellation)).Id;
    }
}
