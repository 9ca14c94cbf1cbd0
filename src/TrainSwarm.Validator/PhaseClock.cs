using System.Diagnostics;
using System.Globalization;

namespace TrainSwarm.Validator;

/// <summary>
/// Times the named phases of one round's validation, one after the other, for the line the validator logs per round: where a round's
/// seconds go (downloads, evaluations, replays, posting) is what an operator tuning a validator, or the swarm's wall time, needs first.
/// </summary>
internal sealed class PhaseClock
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(string Phase, TimeSpan Took)> _phases = [];
    private TimeSpan _mark;

    /// <summary>Ends the phase running since the last mark (or the start) under <paramref name="phase"/>.</summary>
    public void Mark(string phase)
    {
        var now = _clock.Elapsed;
        _phases.Add((phase, now - _mark));
        _mark = now;
    }

    /// <summary>Every phase with its seconds, then the total: "base 0.12 s, score 0.30 s, …; 0.52 s in all".</summary>
    public override string ToString() =>
        string.Join(", ", _phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.Took.TotalSeconds:F2} s"))) +
        string.Create(CultureInfo.InvariantCulture, $"; {_clock.Elapsed.TotalSeconds:F2} s in all");
}
