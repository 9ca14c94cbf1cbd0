using System.Globalization;
using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Node;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// Renders a node's events as plain lines: time, round, what happened. Raw lines rather than markup, so a long
/// message stays one line and a log file reads the same as the terminal. Training progress is a line about every
/// tenth of a round when the output is not a terminal (devnet logs), and a live Spectre progress bar per training
/// round when it is. Used by `swarm node start` and `swarm round train`.
/// </summary>
public sealed class NodeConsoleObserver : INodeObserver
{
    private readonly IAnsiConsole _console;
    // Events arrive from the polling loop and from every training task at once.
    private readonly Lock _lock = new();
    private readonly LiveTrainingView? _live;

    /// <param name="live">Show progress bars; null: when the console is an interactive terminal.</param>
    public NodeConsoleObserver(IAnsiConsole console, bool? live = null)
    {
        _console = console;
        var interactive = live ?? (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi);
        _live = interactive ? new LiveTrainingView(console) : null;
    }

    public void Benchmarked(Hardware hardware, Benchmark benchmark) =>
        Line(null, $"benchmark: {benchmark.Model} trains {N(benchmark.SamplesPerSecond)} samples/s on {hardware.Cores} cores ({hardware.Cpu}), " +
                   $"{hardware.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, {hardware.Os}");

    public void Registered(NodeView node) =>
        Line(null, $"registered as {node.Address} ({node.Name}) for datasets {string.Join(", ", node.Datasets)}; " +
                   $"{node.RoundsJoined} rounds joined, {node.UpdatesAccepted} updates accepted so far");

    public void RoundSeen(RoundView round) =>
        Line(round.Id, $"open: attempt {round.Attempt}, {round.Model} on {round.Dataset}, {round.InnerSteps} steps of {round.BatchSize}, " +
                       $"{round.Participants.Count}/{round.MaxNodes} nodes, expected reward {Asset.Format(RewardFilter.ExpectedOf(round))}");

    public void Joined(Assignment assignment, bool resumed) =>
        Line(assignment.RoundId, $"{(resumed ? "resumed" : "joined")}: attempt {assignment.Attempt}, slot {assignment.Slot}, " +
                                 $"shard {assignment.ShardIndex + 1}/{assignment.ShardCount}, deadline {assignment.TrainDeadline.ToLocalTime():HH:mm:ss}");

    public void AwaitingManualTraining(Assignment assignment) =>
        Line(assignment.RoundId, $"held, not trained (auto-train is off): train it with: swarm round train {assignment.RoundId}");

    public void DatasetMapped(string roundId, string requested, string local) =>
        Line(roundId, $"dataset mapping: the round asks for '{requested}', training local dataset '{local}'");

    public void TrainingStarted(Assignment assignment, string dataset, int shardSamples, int steps)
    {
        Line(assignment.RoundId, $"training: {steps} steps on {N(shardSamples)} samples of {dataset}" +
                                 (steps == RoundH(assignment) ? "" : $" (the round's H is {RoundH(assignment)})"));
        _live?.Begin(assignment.RoundId, steps);
    }

    public void TrainingStep(string roundId, int step, int steps, float loss, double samplesPerSecond)
    {
        _live?.Step(roundId, step, steps, loss, samplesPerSecond);
        if (step >= steps)
            _live?.End(roundId);
    }

    public void TrainingProgress(string roundId, int step, int steps, float loss, double samplesPerSecond)
    {
        // A terminal shows the bar instead; a log gets a line every tenth.
        if (_live is null)
            Line(roundId, $"step {step}/{steps} ({100.0 * step / steps:F0}%)  loss {F4(loss)}  {N(samplesPerSecond)} samples/s");
    }

    public void Uploading(string roundId, string blob, long bytes) =>
        Line(roundId, $"uploading update: {N(bytes)} bytes, blob {blob}");

    public void Uploaded(string roundId, string blob, long bytes) =>
        Line(roundId, $"uploaded update: {N(bytes)} bytes, blob {blob}");

    public void Submitted(TrainingReceipt receipt, UpdateAck ack) =>
        Line(receipt.RoundId, $"submitted: {receipt.Steps} steps, {N(receipt.Samples)} samples of {receipt.DatasetUsed}, final loss " +
                              $"{(receipt.LossCurve.Count > 0 ? F4(receipt.LossCurve[^1]) : "-")}, " +
                              $"{receipt.ComputeSeconds.ToString("F1", CultureInfo.InvariantCulture)} s compute, {receipt.Encoding}; " +
                              $"acknowledged at {ack.ReceivedAt.ToLocalTime():HH:mm:ss} (attempt {ack.Attempt}, update {ack.UpdateBlob})");

    public void Skipped(string? roundId, string reason)
    {
        EndLive(roundId);
        Line(roundId, $"skipped: {reason}");
    }

    public void RewardOutOfRange(RoundView round, RewardCheck check) =>
        Line(round.Id, check.Verdict == RewardVerdict.AboveMaximum
            ? $"skipped: expected reward {Asset.Format(check.Expected)} above --max-reward {Asset.Format(check.Max ?? 0)}"
            : $"skipped: expected reward {Asset.Format(check.Expected)} below --min-reward {Asset.Format(check.Min ?? 0)}");

    public void StakeAboveMaximum(long stake, long maxStake) =>
        Line(null, $"skipped: joining no rounds: the coordinator asks a stake of {Asset.Format(stake)} tokens per round, " +
                   $"above the maximum stake {Asset.Format(maxStake)}");

    public void StakeRefused(string roundId, string detail) => Line(roundId, $"cannot stake for round {roundId}: {detail}");

    // The held-out metric of the job's kind: loss and accuracy (image), loss and perplexity (lm), mean return (rl), exact match (grpo).
    public void Scored(string roundId, UpdateVerdict verdict, string? kind) =>
        Line(roundId, verdict.Accepted
            ? $"scored: accepted, {HeldOutText.Verdict(verdict, kind)}, aggregation weight {verdict.Weight.ToString("F3", CultureInfo.InvariantCulture)}"
            : $"scored: rejected: {verdict.Reason ?? "no reason given"}");

    public void PayoutClaimed(RoundRewards rewards, RewardLine line, TransferOutcome claim) =>
        Line(rewards.RoundId, $"paid {Asset.Format(line.Payout)} tokens ({Quality(line)}); claimed into the wallet: transfer {claim.Id}, " +
                              $"ledger entry {claim.Sequence}{(claim.Status == "ok" ? "" : $" ({claim.Status})")}");

    public void PayoutClaimable(RoundRewards rewards, RewardLine line) =>
        Line(rewards.RoundId, $"paid {Asset.Format(line.Payout)} tokens ({Quality(line)}); claimable (payout transfer {line.TransferId}, ledger entry " +
            $"{line.Sequence})");

    public void NothingEarned(string roundId, string reason, RewardLine? line) =>
        Line(roundId, $"nothing earned: {reason}{(line is null ? "" : $" ({Quality(line)})")}");

    public void Retrying(string? roundId, string operation, string error, TimeSpan delay) =>
        Line(roundId, $"retrying {operation} in {delay.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s: {error}");

    public void Info(string? roundId, string message) => Line(roundId, message);

    public void Error(string? roundId, string message)
    {
        EndLive(roundId);
        Line(roundId, $"error: {message}");
    }

    public void Stopped() => _live?.StopAsync().Wait(TimeSpan.FromSeconds(5));

    private void EndLive(string? roundId)
    {
        if (roundId is not null)
            _live?.End(roundId);
    }

    private static string Quality(RewardLine line) =>
        $"quality weight {(line.QualityBps / 100.0).ToString("F2", CultureInfo.InvariantCulture)}%, {N(line.Samples)} samples";

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F4(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Pct(double value) => (100 * value).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private void Line(string? roundId, string message)
    {
        var text = $"{DateTime.Now:HH:mm:ss}  {roundId ?? "-",-18}  {message.ReplaceLineEndings(" ")}{TraceSuffix.Of(roundId)}";
        lock (_lock)
        {
            if (_live is null)
                _console.Profile.Out.Writer.WriteLine(text);
            else
                _console.Write(new Text(text + "\n")); // through the console, so a live progress display stays below it
        }
    }

    // H as the round names it: inner steps, or an rl round's rollouts.
    private static int RoundH(Assignment assignment) => Coordination.Rounds.RoundMachine.RoundNames(assignment.Spec).Steps;
}
