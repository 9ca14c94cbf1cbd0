using Spectre.Console;
using TrainSwarm.Cli.Commands;
using TrainSwarm.Cli.Commands.Job;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Job;

/// <summary>
/// The per-round figures `job status`, `job watch` and the devnets print for each job kind: image accuracy, lm held-out loss,
/// rl mean return, grpo held-out exact match (as correct prompts of the held-out ones, and as percentages).
/// </summary>
public sealed class RoundsTableTests
{
    // 49 → 59 correct of 200 held-out prompts, as the grpo validator reports them (accuracies; losses 0).
    private static readonly RoundMetrics Grpo = new(0, 0.245, 0, 0.295, 200, 0, 0.295, 200);
    private static readonly RoundMetrics Lm = new(5.5, 0, 4.25, 0, 8192, 4.25, 0, 8192);
    private static readonly RoundMetrics Rl = new(0, 0, 0, 0, 0, 0, 0, 0, 21.5, 87.4, 10);
    private static readonly RoundMetrics Image = new(2.0, 0.1, 1.5, 0.4, 500, 1.6, 0.375, 1000);

    private static (IAnsiConsole Console, StringWriter Writer) Console()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 160;
        return (console, writer);
    }

    // The trimmed cells of every line of a table (header and rows), without the border lines.
    private static List<string[]> Cells(string rendered) =>
        rendered.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith('│'))
            .Select(l => l.Trim('│').Split('│').Select(c => c.Trim()).ToArray()).ToList();

    private static List<string[]> StatusTable(JobSpec spec, RoundMetrics metrics)
    {
        var (console, writer) = Console();
        RoundRow[] rows = [new("j0123456789ab-r0", 0, 1, "done", 2, 2, 2, metrics), new("j0123456789ab-r1", 1, 1, "open", 0, 0, null, null)];
        console.Write(JobReport.RoundsTable(rows, spec));
        return Cells(writer.ToString());
    }

    [Fact]
    public void Exact_match_reads_as_correct_of_the_prompts_and_percentages()
    {
        Assert.Equal("49/200 → 59/200 (24.5% → 29.5%)", JobText.ExactMatch(Grpo));
        Assert.Equal("0/64 → 64/64 (0.0% → 100.0%)", JobText.ExactMatch(new RoundMetrics(0, 0, 0, 1, 64, 0, 1, 64)));
    }

    [Fact]
    public void A_grpo_job_status_shows_exact_match_per_round_not_a_zero_loss()
    {
        var cells = StatusTable(new JobSpec { Kind = JobKinds.Grpo }, Grpo);
        Assert.Equal(["round", "try", "status", "nodes", "accepted", "held-out exact match"], cells[0]);
        Assert.Equal(["0", "1", "done", "2", "2/2", "49/200 → 59/200 (24.5% → 29.5%)"], cells[1]);
        Assert.Equal(["1", "1", "open", "0", "-/0", "-"], cells[2]);
    }

    [Fact]
    public void An_lm_job_status_shows_held_out_loss_and_perplexity()
    {
        var cells = StatusTable(new JobSpec { Kind = JobKinds.Lm }, Lm);
        Assert.Equal(["round", "try", "status", "nodes", "accepted", "held-out loss", "perplexity"], cells[0]);
        Assert.Equal(["0", "1", "done", "2", "2/2", "5.5000 → 4.2500", "70.11"], cells[1]); // e^4.25 = 70.105
        Assert.Equal(["1", "1", "open", "0", "-/0", "-", "-"], cells[2]);
    }

    [Fact]
    public void An_rl_job_status_shows_mean_return_over_its_episodes()
    {
        var cells = StatusTable(new JobSpec { Kind = JobKinds.Rl }, Rl);
        Assert.Equal(["round", "try", "status", "nodes", "accepted", "mean return", "episodes"], cells[0]);
        Assert.Equal(["0", "1", "done", "2", "2/2", "21.5 → 87.4", "10"], cells[1]);
    }

    [Fact]
    public void An_image_job_status_shows_holdout_loss_and_accuracies()
    {
        var cells = StatusTable(new JobSpec(), Image);
        Assert.Equal(["round", "try", "status", "nodes", "accepted", "holdout loss", "holdout acc", "test acc"], cells[0]);
        Assert.Equal(["0", "1", "done", "2", "2/2", "2.0000 → 1.5000", "40.00%", "37.50%"], cells[1]);
    }

    [Fact]
    public void The_grpo_devnet_summary_shows_exact_match_and_sequence_tokens_per_round()
    {
        var (console, writer) = Console();
        var opened = DateTimeOffset.UnixEpoch;
        var submitted = new ParticipantView("ts1aaaa", 0, 0, ParticipantStatus.Submitted, opened, "blob", opened);
        var dropped = submitted with { Node = "ts1bbbb", Slot = 1, Shard = 1, Status = ParticipantStatus.Dropped };
        var round = new RoundView("j0123456789ab-r0", "j0123456789ab", 0, 1, RoundStatus.Done, 7, new string('a', 64), "add2", "gpt-tiny",
            1, 2, 25, 8, opened, opened, opened, opened.AddSeconds(12.5), opened.AddSeconds(12.5), null, null, Grpo, [submitted, dropped]);
        JobProgress.RenderExactMatch(console, [round], 51_200);
        var cells = Cells(writer.ToString());
        Assert.Equal(["round", "try", "nodes", "updates", "held-out exact match", "sequence tokens", "seconds"], cells[0]);
        Assert.Equal(["0", "1", "2", "1", "49/200 → 59/200 (24.5% → 29.5%)", "51,200", "12.5"], cells[1]);
    }
}
