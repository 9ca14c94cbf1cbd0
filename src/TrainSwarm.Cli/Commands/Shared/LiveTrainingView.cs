using System.Globalization;
using Spectre.Console;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// A Spectre progress display of the rounds training right now (one bar each: step/total, loss, samples/s), for an
/// interactive terminal. Training tasks report from their own threads; one runner task owns the display and copies
/// their latest figures into it ten times a second, and ends it when no round trains any more, so the terminal gets
/// its cursor back between rounds. Lines written to the console meanwhile appear above the bars.
/// </summary>
internal sealed class LiveTrainingView(IAnsiConsole console)
{
    private sealed class RoundState(string roundId, int steps)
    {
        public string RoundId { get; } = roundId;
        public int Steps { get; } = steps;
        public int Step { get; set; }
        public float Loss { get; set; } = float.NaN;
        public double SamplesPerSecond { get; set; }
        public bool Ended { get; set; }
        public ProgressTask? Task { get; set; }
    }

    private readonly Lock _lock = new();
    private readonly List<RoundState> _rounds = [];
    private bool _running;
    private Task _runner = Task.CompletedTask;

    /// <summary>Shows a bar for <paramref name="roundId"/> (starting the display when none runs).</summary>
    public void Begin(string roundId, int steps)
    {
        lock (_lock)
        {
            _rounds.RemoveAll(r => r.RoundId == roundId && r.Task is null);
            _rounds.Add(new RoundState(roundId, Math.Max(1, steps)));
            if (_running)
                return;
            _running = true;
            // A display that is just closing must be gone before the next one starts (Spectre allows one at a time).
            var previous = _runner;
            _runner = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                await RunAsync().ConfigureAwait(false);
            });
        }
    }

    /// <summary>The latest step of <paramref name="roundId"/>.</summary>
    public void Step(string roundId, int step, int steps, float loss, double samplesPerSecond)
    {
        lock (_lock)
        {
            var state = _rounds.LastOrDefault(r => r.RoundId == roundId && !r.Ended);
            if (state is null)
                return;
            state.Step = Math.Min(step, steps);
            state.Loss = loss;
            state.SamplesPerSecond = samplesPerSecond;
        }
    }

    /// <summary>Removes <paramref name="roundId"/>'s bar (training finished, failed or stopped).</summary>
    public void End(string roundId)
    {
        lock (_lock)
        {
            foreach (var state in _rounds.Where(r => r.RoundId == roundId))
                state.Ended = true;
        }
    }

    /// <summary>Removes every bar and waits until the display is closed (the daemon stopped).</summary>
    public Task StopAsync()
    {
        lock (_lock)
        {
            foreach (var state in _rounds)
                state.Ended = true;
            return _runner;
        }
    }

    private Task RunAsync() =>
        console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                while (Sync(context))
                    await Task.Delay(100).ConfigureAwait(false);
            });

    /// <summary>Copies the figures into the display; false (and the display ends) once nothing trains.</summary>
    private bool Sync(ProgressContext context)
    {
        lock (_lock)
        {
            foreach (var state in _rounds)
            {
                state.Task ??= context.AddTask(state.RoundId, maxValue: state.Steps);
                state.Task.Value = state.Step;
                state.Task.Description = Describe(state);
                if (state.Ended)
                    state.Task.StopTask();
            }
            _rounds.RemoveAll(r => r.Ended);
            if (_rounds.Count > 0)
                return true;
            _running = false;
            return false;
        }
    }

    private static string Describe(RoundState s)
    {
        var loss = float.IsNaN(s.Loss) ? "-" : s.Loss.ToString("F4", CultureInfo.InvariantCulture);
        return Markup.Escape($"{s.RoundId}  step {s.Step}/{s.Steps}  loss {loss}  {s.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture)} " +
            $"samples/s");
    }
}
