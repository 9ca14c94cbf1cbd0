using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using TrainSwarm.Cli.Devnet;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench failover`: two coordinator replicas on one PostgreSQL; the leader is killed (SIGKILL) and the time until
/// the other replica's <c>/health/ready</c> says it leads is measured, over several trials (the killed replica is restarted
/// between them).
/// </summary>
public static class FailoverCommand
{
    /// <summary>Builds the `bench failover` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var trials = CommonOptions.Positive("--trials", "Leader kills to time", 5);
        var database = new Option<string?>("--database") { Description = "PostgreSQL connection string to use (default: a private server, " +
            "initdb into a temp folder)" };
        var command = new Command("failover", "Time from killing the leading coordinator replica to another one leading.\n" +
            "Example: swarm bench failover --trials 5")
        {
            trials, database,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            await using var server = parse.GetValue(database) is null ? await PrivatePostgres.StartAsync(cancellation) : null;
            var folder = Path.Combine(Path.GetTempPath(), "trainswarm-failover-" + Guid.NewGuid().ToString("N")[..8]);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var samples = new List<double>();
            try
            {
                await using var net = await Cli.Devnet.Devnet.StartAsync(new DevnetOptions
                {
                    DataDirectory = folder, Nodes = 0, Database = server?.Connection ?? parse.GetValue(database), Replicas = 2,
                }, cancellation);
                for (var trial = 0; trial < parse.GetValue(trials); trial++)
                {
                    var leader = await ReplicaHealth.WaitForLeaderAsync(http, net.Urls, TimeSpan.FromSeconds(60), cancellation);
                    var other = 1 - leader;
                    net.Coordinators[leader]!.Kill();
                    var clock = Stopwatch.StartNew();
                    while (await ReplicaHealth.ReadAsync(http, net.Urls[other], cancellation) is not { Leading: true })
                    {
                        if (clock.Elapsed > TimeSpan.FromSeconds(60))
                            throw new CliException($"replica {Cli.Devnet.Devnet.ReplicaName(other)} did not take over within 60 s");
                        await Task.Delay(10, cancellation);
                    }
                    samples.Add(clock.Elapsed.TotalMilliseconds);
                    await net.StartReplicaAsync(leader, cancellation);
                }
            }
            finally
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                }
            }
            var sorted = samples.Order().ToList();
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                figure = "failover_ms", trials = sorted.Count, median = Math.Round(sorted[sorted.Count / 2], 1), min = Math.Round(sorted[0], 1),
                max = Math.Round(sorted[^1], 1), leader_poll_ms = new TrainSwarm.Coordinator.Hosting.CoordinatorOptions().LeaderPoll.TotalMilliseconds,
                samples = sorted.Select(s => Math.Round(s, 1)).ToList(),
            }));
            return SwarmApp.Success;
        });
        return command;
    }
}
