using System.Globalization;
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
    public void Registered(string address, Uri coordinator) => Line(null, $"registered as validator {address} at {coordinator}");

    public void RoundTaken(ValidationTask task) =>
        Line(task.Round.Id, $"taken: job {task.Round.JobId} round {task.Round.Index + 1} attempt {task.Round.Attempt}, " +
                            $"{task.Updates.Count} update(s), {task.Failures.Count} dropped, {task.Spec.Strategy} on " +
                            task.Round.Dataset);

    public void UpdateScored(string roundId, UpdateVerdict verdict) =>
        Line(roundId, verdict.Accepted && verdict.UpdatedReturn is { } updated
            ? $"accepted {verdict.Node}: mean return {F(verdict.BaseReturn ?? 0, 1)} → {F(updated, 1)}, norm {F(verdict.Norm, 4)}, " +
              $"{verdict.Samples.ToString("N0", CultureInfo.InvariantCulture)} env steps, weight {F(verdict.Weight, 3)}"
            : verdict.Accepted
            ? $"accepted {verdict.Node}: holdout loss {F(verdict.BaseLoss, 4)} → {F(verdict.UpdatedLoss, 4)}, " +
              $"accuracy {P(verdict.BaseAccuracy)} → {P(verdict.UpdatedAccuracy)}, norm {F(verdict.Norm, 4)}, " +
              $"{verdict.Samples.ToString("N0", CultureInfo.InvariantCulture)} samples, weight {F(verdict.Weight, 3)}"
            : $"rejected {verdict.Node}: {verdict.Reason}");

    public void ResultPosted(RoundResult result)
    {
        var m = result.Metrics;
        var accepted = result.Verdicts.Count(v => v.Accepted);
        Line(result.RoundId, accepted == 0
            ? $"posted: no update accepted ({result.Verdicts.Count} rejected); the base model stays and the round is retried"
            : $"posted: {accepted}/{result.Verdicts.Count} accepted; holdout accuracy {P(m.BaseHoldoutAccuracy)} → {P(m.HoldoutAccuracy)} " +
              $"(loss {F(m.HoldoutLoss, 4)}), test accuracy {P(m.TestAccuracy)} (loss {F(m.TestLoss, 4)}); new model {result.NewModel[..12]}…");
    }

    public void Info(string message) => Line(null, message);

    public void Error(string message, Exception? exception) => Line(null, $"error: {message}");

    private static string F(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string P(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private void Line(string? roundId, string message) =>
        console.Profile.Out.Writer.WriteLine($"{DateTime.Now:HH:mm:ss}  {roundId ?? "-",-14}  {message.ReplaceLineEndings(" ")}{TraceSuffix.Of(roundId)}");
}
