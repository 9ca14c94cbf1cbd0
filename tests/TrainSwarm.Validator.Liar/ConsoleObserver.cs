using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator.Liar;

/// <summary>Writes what the daemon reports to stdout, which the devnet keeps in the validator's log.</summary>
internal sealed class ConsoleObserver : IValidatorObserver
{
    public void Registered(string address, Uri coordinator) => Console.WriteLine($"registered {address} with {coordinator}");
    public void RoundTaken(ValidationTask task) => Console.WriteLine($"took {task.Round.Id} attempt {task.Round.Attempt}");
    public void UpdateScored(string roundId, UpdateVerdict verdict) => Console.WriteLine($"{roundId}: {verdict.Node} accepted {verdict.Accepted}");
    public void ResultPosted(RoundResult result) => Console.WriteLine($"posted {result.RoundId} attempt {result.Attempt}");
    public void Info(string message) => Console.WriteLine(message);
    public void Error(string message, Exception? exception) => Console.WriteLine($"error: {message}");
}
