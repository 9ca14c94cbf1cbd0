using System.Collections.Concurrent;
using Spectre.Console;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Validator;

namespace TrainSwarm.Cli.Commands.Validator;

/// <summary>
/// Renders a validator daemon's events as plain lines (time, round, what happened), like the node's: raw text so a
/// long reason stays on one line and a log file reads the same as the terminal.
/// </summary>
internal sealed class ValidatorConsoleObserver(IAnsiConsole console) : IValidatorObserver
{
    private readonly ConcurrentDictionary<string, JobSpec> _specs = new(StringComparer.Ordinal);

    public void Registered(string address, Uri coordinator) => Line(null, $"registered as validator {address} at {coordinator}");

    public void RoundTaken(ValidationTask task)
    {
        // A verdict and a result name only their round; the round's spec says which kind's figures to print.
        _specs[task.Round.Id] = task.Spec;
        Line(task.Round.Id, $"taken: job {task.Round.JobId} round {task.Round.Index + 1} attempt {task.Round.Attempt}, " +
                            $"{task.Updates.Count} update(s), {task.Failures.Count} dropped, {task.Spec.Strategy} on " +
                            task.Round.Dataset);
    }

    public void UpdateScored(string roundId, UpdateVerdict verdict) => Line(roundId, VerdictText.Verdict(verdict, _specs.GetValueOrDefault(roundId)));

    public void ResultPosted(RoundResult result) =>
        Line(result.RoundId, VerdictText.Posted(result, _specs.TryRemove(result.RoundId, out var spec) ? spec : null));

    public void Info(string message) => Line(null, message);

    public void Error(string message, Exception? exception) => Line(null, $"error: {message}");

    private void Line(string? roundId, string message) =>
        console.Profile.Out.Writer.WriteLine($"{DateTime.Now:HH:mm:ss}  {roundId ?? "-",-14}  {message.ReplaceLineEndings(" ")}{TraceSuffix.Of(roundId)}");
}
