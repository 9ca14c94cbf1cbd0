using System.Globalization;
using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Node;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// Renders a node daemon's events as plain lines: time, round, what happened. Raw lines rather than markup, so
/// a long message stays one line and a log file reads the same as the terminal.
/// </summary>
internal sealed class NodeConsoleObserver(IAnsiConsole console) : INodeObserver
{
    // Events arrive from the polling loop and from every training task at once.
    private readonly Lock _lock = new();

    public void Benchmarked(Hardware hardware, Benchmark benchmark) =>
        Line(null, $"benchmark: {benchmark.Model} trains {N(benchmark.SamplesPerSecond)} samples/s on {hardware.Cores} cores ({hardware.Cpu}), " +
                   $"{hardware.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, {hardware.Os}");

    public void Registered(NodeView node) =>
        Line(null, $"registered as {node.Address} ({node.Name}); {node.RoundsJoined} rounds joined, {node.UpdatesAccepted} updates accepted so far");

    public void RoundSeen(RoundView round) =>
        Line(round.Id, $"open: attempt {round.Attempt}, {round.Model} on {round.Dataset}, {round.InnerSteps} steps of {round.BatchSize}, " +
                       $"{round.Participants.Count}/{round.MaxNodes} nodes");

    public void Joined(Assignment assignment, bool resumed) =>
        Line(assignment.RoundId, $"{(resumed ? "resumed" : "joined")}: attempt {assignment.Attempt}, slot {assignment.Slot}, " +
                                 $"shard {assignment.ShardIndex + 1}/{assignment.ShardCount}, deadline {assignment.TrainDeadline.ToLocalTime():HH:mm:ss}");

    public void TrainingStarted(Assignment assignment, string dataset, int shardSamples) =>
        Line(assignment.RoundId, $"training: {assignment.Spec.InnerSteps} steps on {N(shardSamples)} samples of {dataset}");

    public void TrainingProgress(string roundId, int step, int steps, float loss, double samplesPerSecond) =>
        Line(roundId, $"step {step}/{steps} ({100.0 * step / steps:F0}%)  loss {loss.ToString("F4", CultureInfo.InvariantCulture)}  {N(samplesPerSecond)} samples/s");

    public void Uploaded(string roundId, string blob, long bytes) =>
        Line(roundId, $"uploaded update {blob[..12]}… ({N(bytes)} bytes)");

    public void Submitted(TrainingReceipt receipt, UpdateAck ack) =>
        Line(receipt.RoundId, $"submitted: {receipt.Steps} steps, {N(receipt.Samples)} samples, final loss " +
                              $"{(receipt.LossCurve.Count > 0 ? receipt.LossCurve[^1].ToString("F4", CultureInfo.InvariantCulture) : "-")}, " +
                              $"{receipt.ComputeSeconds.ToString("F1", CultureInfo.InvariantCulture)} s compute, {receipt.Encoding}");

    public void Skipped(string? roundId, string reason) => Line(roundId, $"skipped: {reason}");

    public void RewardOutOfRange(RoundView round, RewardCheck check) =>
        Line(round.Id, check.Verdict == RewardVerdict.AboveMaximum
            ? $"skipped: expected reward {Asset.Format(check.Expected)} above --max-reward {Asset.Format(check.Max ?? 0)}"
            : $"skipped: expected reward {Asset.Format(check.Expected)} below --min-reward {Asset.Format(check.Min ?? 0)}");

    public void StakeRefused(string roundId, string detail) => Line(roundId, $"cannot stake for round {roundId}: {detail}");

    public void PayoutClaimed(RoundRewards rewards, RewardLine line, TransferOutcome claim) =>
        Line(rewards.RoundId, $"paid {Asset.Format(line.Payout)} tokens ({Quality(line)}); claimed into the wallet: transfer {claim.Id}, " +
                              $"ledger entry {claim.Sequence}{(claim.Status == "ok" ? "" : $" ({claim.Status})")}");

    public void PayoutClaimable(RoundRewards rewards, RewardLine line) =>
        Line(rewards.RoundId, $"paid {Asset.Format(line.Payout)} tokens ({Quality(line)}); claimable (payout transfer {line.TransferId}, ledger entry {line.Sequence})");

    public void NothingEarned(string roundId, string reason, RewardLine? line) =>
        Line(roundId, $"nothing earned: {reason}{(line is null ? "" : $" ({Quality(line)})")}");

    public void Retrying(string? roundId, string operation, string error, TimeSpan delay) =>
        Line(roundId, $"retrying {operation} in {delay.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s: {error}");

    public void Info(string? roundId, string message) => Line(roundId, message);

    public void Error(string? roundId, string message) => Line(roundId, $"error: {message}");

    private static string Quality(RewardLine line) =>
        $"quality weight {(line.QualityBps / 100.0).ToString("F2", CultureInfo.InvariantCulture)}%, {N(line.Samples)} samples";

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private void Line(string? roundId, string message)
    {
        var text = $"{DateTime.Now:HH:mm:ss}  {roundId ?? "-",-18}  {message.ReplaceLineEndings(" ")}";
        lock (_lock)
            console.Profile.Out.Writer.WriteLine(text);
    }
}
