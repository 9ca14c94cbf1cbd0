using System.Text.RegularExpressions;
using Spectre.Console;
using TrainSwarm.Cli.Commands;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Shared;

/// <summary>The node's live view: log lines when the output is not a terminal, a progress bar per training round when it is.</summary>
public sealed partial class NodeConsoleObserverTests
{
    private static readonly JobSpec Spec = new() { Model = "mlp", InnerSteps = 20, BatchSize = 8 };

    private static readonly Assignment Held = new("j0123456789ab-r0", "j0123456789ab", 0, 1, 0, 0, 1, 5, new string('b', 64), Spec, DateTimeOffset.UtcNow);

    private static (IAnsiConsole Console, StringWriter Writer) Console(bool interactive)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 160;
        return (console, writer);
    }

    [Fact]
    public void A_log_gets_a_line_per_tenth_and_none_per_step()
    {
        var (console, writer) = Console(interactive: false);
        var observer = new NodeConsoleObserver(console);
        observer.TrainingStarted(Held, "mnist", 900, 40);
        for (var step = 1; step <= 40; step++)
            observer.TrainingStep(Held.RoundId, step, 40, 2.5f, 1234.4);
        observer.TrainingProgress(Held.RoundId, 4, 40, 2.25f, 1234.4);
        observer.DatasetMapped(Held.RoundId, "fashion-mnist", "mnist");
        observer.Uploaded(Held.RoundId, new string('c', 64), 407_080);
        observer.StakeAboveMaximum(1_000_000, 500_000);
        observer.Stopped();

        Assert.Equal(
        [
            "j0123456789ab-r0    training: 40 steps on 900 samples of mnist (the round's H is 20)",
            "j0123456789ab-r0    step 4/40 (10%)  loss 2.2500  1,234 samples/s",
            "j0123456789ab-r0    dataset mapping: the round asks for 'fashion-mnist', training local dataset 'mnist'",
            $"j0123456789ab-r0    uploaded update: 407,080 bytes, blob {new string('c', 64)}",
            "-                   skipped: joining no rounds: the coordinator asks a stake of 1.000000 tokens per round, above the maximum stake 0.500000",
        ], Lines.Of(writer.ToString()).Select(l => Time().Replace(l, "")));
    }

    [Fact]
    public void A_verdict_is_shown_with_its_losses_accuracies_and_weight()
    {
        var (console, writer) = Console(interactive: false);
        var observer = new NodeConsoleObserver(console);
        var image = new UpdateVerdict("ts1node", "blob", true, null, 160, 20, 1.5, 2.3, 0.1, 2.1, 0.3, 0.5);
        observer.Scored(Held.RoundId, image, null);
        var rejected = new UpdateVerdict("ts1node", "blob", false, "norm 90.0 above 10 × the median", 160, 20, 90, 2.3, 0.1, 2.3, 0.1, 0);
        observer.Scored(Held.RoundId, rejected, null);
        // Each kind by the metric it is scored by: lm, held-out loss and perplexity (e^loss); rl, mean return; grpo, exact match.
        observer.Scored(Held.RoundId, image with { BaseLoss = 3.0, UpdatedLoss = 2.0, BaseAccuracy = 0, UpdatedAccuracy = 0 }, JobKinds.Lm);
        observer.Scored(Held.RoundId, image with { BaseReturn = 22.5, UpdatedReturn = 131.4 }, JobKinds.Rl);
        observer.Scored(Held.RoundId, image with { BaseCorrect = 49, UpdatedCorrect = 59, BaseAccuracy = 0.245, UpdatedAccuracy = 0.295 }, JobKinds.Grpo);
        Assert.Equal(
        [
            "j0123456789ab-r0    scored: accepted, holdout loss 2.3000 → 2.1000, accuracy 10.0% → 30.0%, aggregation weight 0.500",
            "j0123456789ab-r0    scored: rejected: norm 90.0 above 10 × the median",
            "j0123456789ab-r0    scored: accepted, held-out loss 3.0000 → 2.0000, perplexity 20.09 → 7.39, aggregation weight 0.500",
            "j0123456789ab-r0    scored: accepted, mean return 22.5 → 131.4, aggregation weight 0.500",
            "j0123456789ab-r0    scored: accepted, held-out exact match 49 → 59 correct (24.5% → 29.5%), aggregation weight 0.500",
        ], Lines.Of(writer.ToString()).Select(l => Time().Replace(l, "")));
    }

    [Fact]
    public async Task A_terminal_gets_a_live_bar_with_step_loss_and_throughput_and_the_events_above_it()
    {
        var (console, writer) = Console(interactive: true);
        var observer = new NodeConsoleObserver(console);
        observer.TrainingStarted(Held, "fashion-mnist", 900, 20);
        observer.TrainingStep(Held.RoundId, 5, 20, 2.125f, 812.6);
        observer.TrainingProgress(Held.RoundId, 5, 20, 2.2f, 812.6);
        await SwarmFixture.EventuallyAsync(() => Task.FromResult(writer.ToString().Contains("j0123456789ab-r0  step 5/20  loss 2.1250  813 samples/s",
            StringComparison.Ordinal)),
            "the bar to show step 5", seconds: 10);
        observer.Info(Held.RoundId, "a line while the bar is up");
        for (var step = 6; step <= 20; step++)
            observer.TrainingStep(Held.RoundId, step, 20, 1.5f, 900);
        observer.Stopped();

        var output = writer.ToString();
        Assert.Contains("a line while the bar is up", output, StringComparison.Ordinal);
        Assert.Contains("training: 20 steps on 900 samples of fashion-mnist", output, StringComparison.Ordinal);
        // The bar replaces the per-tenth log lines.
        Assert.DoesNotContain("step 5/20 (25%)", output, StringComparison.Ordinal);
    }

    // The time in front and the round's trace id at the end (checked on its own below) are left out of the comparisons.
    [GeneratedRegex(@"^\d\d:\d\d:\d\d  |  trace=[0-9a-f]{32}$")]
    private static partial Regex Time();

    [Fact]
    public void Every_line_about_a_round_ends_with_the_round_s_trace_id_and_a_line_about_none_with_nothing()
    {
        var (console, writer) = Console(interactive: false);
        var observer = new NodeConsoleObserver(console);
        observer.Uploaded(Held.RoundId, new string('c', 64), 10);
        observer.Info("j0123456789ab-r1", "another round");
        observer.Info(null, "no round");

        var lines = Lines.Of(writer.ToString());
        var trace = TrainSwarm.Protocol.Tracing.RoundTrace.ParentOf(Held.RoundId).TraceId.ToHexString();
        Assert.EndsWith($"  trace={trace}", lines[0], StringComparison.Ordinal);
        Assert.EndsWith($"  trace={TrainSwarm.Protocol.Tracing.RoundTrace.TraceIdOf("j0123456789ab-r1")}", lines[1], StringComparison.Ordinal);
        Assert.NotEqual(lines[0][^32..], lines[1][^32..]);
        Assert.EndsWith("no round", lines[2], StringComparison.Ordinal);
    }
}
