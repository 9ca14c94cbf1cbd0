using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>What a running validator reports, so a CLI (or a test) can show it. Called on the daemon's own task.</summary>
public interface IValidatorObserver
{
    /// <summary>The validator's key is registered with the coordinator; rounds are polled from now on.</summary>
    void Registered(string address, Uri coordinator);

    /// <summary>This validator holds <paramref name="task"/>'s round and starts checking its updates.</summary>
    void RoundTaken(ValidationTask task);

    /// <summary>The final verdict on one update (its aggregate weight included).</summary>
    void UpdateScored(string roundId, UpdateVerdict verdict);

    /// <summary>The coordinator accepted the round's signed result.</summary>
    void ResultPosted(RoundResult result);

    /// <summary>A progress note, such as a dataset download.</summary>
    void Info(string message);

    /// <summary>Something went wrong; the daemon carries on (retrying, or skipping the round).</summary>
    void Error(string message, Exception? exception);
}
