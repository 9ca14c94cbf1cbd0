namespace TrainSwarm.Node;

/// <summary>The key the node's task tables use for one attempt of one round: a retried round is new work.</summary>
internal static class RoundAttempt
{
    /// <summary>"round#attempt".</summary>
    public static string Key(string roundId, int attempt) => $"{roundId}#{attempt}";
}
