using System.CommandLine;
using System.Globalization;
using System.Net;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Round;

/// <summary>One node's part in a round (the `node` part of `swarm round status --json`): its place, its update, its verdict and pay.</summary>
/// <param name="Assignment">The node's assignment while it has not delivered (null after).</param>
public sealed record RoundNodeStatus(
    string Address, ParticipantView? Participant, Assignment? Assignment, TrainingReceipt? Update, UpdateVerdict? Verdict, RewardLine? Reward);

/// <summary>`swarm round status --json`: the round, the updates delivered to its attempt, its result and rewards once done, and the asking node's
/// part.</summary>
/// <param name="Kind">The job's kind (<see cref="JobKinds"/>): which held-out metric its results are in.</param>
public sealed record RoundStatusReport(
    RoundView Round, IReadOnlyList<TrainingReceipt> Updates, RoundResult? Result, RoundRewards? Rewards, RoundNodeStatus? Node, string Kind = JobKinds.Image);

/// <summary>`swarm round status`: where a round is, who delivered, how it was judged, and (with --key) this node's part.</summary>
public static class StatusCommand
{
    /// <summary>Builds the `round status` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var roundId = IdArguments.RoundId();
        var key = new Option<string?>("--key") { Description = "A node's key file (PEM): also show that node's assignment, update, verdict and " +
            "payout", HelpName = "PEM" };
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("status", "Show a round: phase and deadline, the participants and whether each delivered, the result's metrics when done, " +
            "and with --key your node's assignment, update, verdict and payout.\n" +
            "Example: swarm round status j0123456789ab-r0 --key ~/.trainswarm/keys/node.pem --coordinator http://10.0.0.5:7070")
        {
            roundId, key, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var id = parse.GetValue(roundId)!;
            string? address = null;
            if (parse.GetValue(key) is { } keyPath)
            {
                using var node = context.LoadKey(keyPath);
                address = node.Address;
            }
            using var client = context.Client(parse.GetValue(coordinator)!);
            var report = await ReportAsync(client, id, address, cancellation);
            context.Output(report, parse.GetValue(json), r => Render(console, r));
            return SwarmApp.Success;
        });
        return command;
    }

    private static async Task<RoundStatusReport> ReportAsync(SwarmClient client, string id, string? address, CancellationToken cancellation)
    {
        var what = $"cannot read round {id}";
        var round = await Remote.CallAsync(client, what, () => client.RoundAsync(id, cancellation));
        var kind = (await Remote.CallAsync(client, what, () => client.JobAsync(round.JobId, cancellation))).Spec.Kind ?? JobKinds.Image;
        var updates = await Remote.CallAsync(client, what, () => client.RoundUpdatesAsync(id, cancellation));
        RoundResult? result = null;
        RoundRewards? rewards = null;
        if (round.Status == RoundStatus.Done)
        {
            result = (await OrNullAsync(client, what, () => client.RoundResultAsync(id, cancellation)))?.Result;
            rewards = await OrNullAsync(client, what, () => client.RoundRewardsAsync(id, cancellation));
            // A result or rewards of an earlier attempt say nothing about this one.
            if (result is not null && result.Attempt != round.Attempt)
                result = null;
            if (rewards is not null && rewards.Attempt != round.Attempt)
                rewards = null;
        }
        var receipts = updates.Select(u => u.Receipt).ToList();
        RoundNodeStatus? node = null;
        if (address is not null)
        {
            var participant = round.Participants.FirstOrDefault(p => p.Node == address);
            var assignment = participant is { Status: ParticipantStatus.Joined }
                ? (await Remote.CallAsync(client, $"cannot read the assignments of {address}", () => client.AssignmentsAsync(address, cancellation)))
                    .FirstOrDefault(a => a.RoundId == round.Id && a.Attempt == round.Attempt)
                : null;
            node = new RoundNodeStatus(address, participant, assignment,
            receipts.FirstOrDefault(r => r.Node == address),
            result?.Verdicts.FirstOrDefault(v => v.Node == address),
            rewards?.Lines.FirstOrDefault(l => l.Node == address));
        }
        return new RoundStatusReport(round, receipts, result, rewards, node, kind);
    }

    // 404 means "none (yet)" here, not an error.
    private static Task<T?> OrNullAsync<T>(SwarmClient client, string what, Func<Task<T>> call) where T : class =>
        Remote.CallAsync<T?>(client, what, async () =>
        {
            try
            {
                return await call();
            }
            catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
            {
                return null;
            }
        });

    private static void Render(IAnsiConsole console, RoundStatusReport report)
    {
        var r = report.Round;
        void W(string line) => CommonOptions.WriteLine(console, line);
        W($"round {r.Id} (job {r.JobId}, round {r.Index}, attempt {r.Attempt}): {RoundText.Name(r.Status)}" +
          (r.Status == RoundStatus.Done ? $" since {RoundText.Time(r.DoneAt ?? r.PhaseDeadline)}" : $", phase deadline {RoundText.Time(r.PhaseDeadline)}"));
        W($"work: {r.Model} on {r.Dataset}, {r.InnerSteps} steps of batch {r.BatchSize}; {r.Participants.Count}/{r.MaxNodes} nodes (at least {r.MinNodes}); " +
          $"expected reward {Asset.Format(r.ExpectedReward ?? 0)} tokens per update");
        if (r.Participants.Count == 0)
        {
            W("participants: none yet");
        }
        else
        {
            var table = new Table().AddColumn(new TableColumn("node").NoWrap()).AddColumn(new TableColumn("slot").RightAligned())
                .AddColumn(new TableColumn("shard").RightAligned()).AddColumn("status").AddColumn("delivered").AddColumn(new TableColumn("update").NoWrap());
            foreach (var p in r.Participants.OrderBy(p => p.Slot))
            {
                table.AddRow(Markup.Escape(p.Node), N(p.Slot), $"{p.Shard + 1}/{r.MaxNodes}", p.Status.ToString().ToLowerInvariant(),
                    p.UpdateBlob is null ? "no" : "yes", p.UpdateBlob is null ? "-" : p.UpdateBlob[..12] + "…");
            }
            console.Write(table);
        }
        if (r.Votes is { Count: > 0 } votes)
        {
            // A round judged by several validators: every posted result, and how it stood against the quorum.
            W($"votes: {votes.Count} posted" + (r.Agreed is { } agreed ? $", quorum agreed on {agreed[..12]}…" : ", no quorum yet"));
            foreach (var v in votes)
                W($"  {v.Validator}: {v.Agreement[..12]}… " + v.Agrees switch
                {
                    true => "agrees" + (v.Late == true ? " (late: no fee)" : ""),
                    false => "dissents (no fee)" + (v.Late == true ? ", late" : ""),
                    null => "undecided",
                });
        }
        if (report.Node is { } node)
            RenderNode(W, r, node, report.Kind);
        if (report.Result is { } result)
        {
            var m = result.Metrics;
            W($"result: {HeldOutText.Round(m, report.Kind)}; {result.Verdicts.Count(v => v.Accepted)} of {result.Verdicts.Count} updates accepted; "
                + $"new model {result.NewModel}");
        }
        else if (r.Status == RoundStatus.Done)
        {
            W("result: none (the attempt closed without a validated result)");
        }
    }

    private static void RenderNode(Action<string> w, RoundView r, RoundNodeStatus node, string kind)
    {
        if (node.Participant is not { } p)
        {
            w($"this node ({node.Address}) has not joined this attempt" + (r.Status == RoundStatus.Open ? $"; join it with: swarm round join {r.Id}" : ""));
            return;
        }
        var seed = node.Assignment?.Seed ?? node.Update?.Seed;
        w($"this node ({node.Address}): {p.Status.ToString().ToLowerInvariant()}, shard {p.Shard + 1}/{r.MaxNodes} (slot {p.Slot}), " +
          (seed is null ? "" : $"seed {seed}, ") + $"base model {r.BaseModel}" +
          (node.Assignment is { } a && p.Status == ParticipantStatus.Joined ? $", train by {RoundText.Time(a.TrainDeadline)}" : ""));
        if (node.Update is { } u)
        {
            w($"its update: {u.UpdateBlob} ({u.Encoding}), {u.Steps} steps, {N(u.Samples)} samples of {u.DatasetUsed}, " +
              $"final loss {(u.LossCurve.Count > 0 ? F4(u.LossCurve[^1]) : "-")}, {u.ComputeSeconds.ToString("F1", CultureInfo.InvariantCulture)} s compute");
        }
        else if (p.Status == ParticipantStatus.Joined)
        {
            w($"its update: not delivered yet; train it with: swarm round train {r.Id}");
        }
        if (node.Verdict is { } v)
        {
            w(v.Accepted
                ? $"its verdict: accepted, {HeldOutText.Verdict(v, kind)}"
                : $"its verdict: rejected: {v.Reason ?? "no reason given"}");
        }
        if (node.Reward is { } line)
        {
            w(line.Payout > 0
                ? $"its payout: {Asset.Format(line.Payout)} tokens (quality weight " +
                    $"{(line.QualityBps / 100.0).ToString("F2", CultureInfo.InvariantCulture)}%), " +
                  $"payout transfer {line.TransferId}, ledger entry #{line.Sequence}; claim it with: swarm round claim {r.Id}"
                : $"its payout: nothing ({(line.Accepted ? "quality weight 0" : "rejected")})");
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F4(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Pct(double value) => (100 * value).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
