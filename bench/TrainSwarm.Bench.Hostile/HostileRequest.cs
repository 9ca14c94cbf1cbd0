namespace TrainSwarm.Bench.Hostile;

/// <summary>One generated request: what it attacks (<paramref name="Kind"/>), the endpoint it was made from, and the bytes sent.</summary>
public sealed record HostileRequest(string Kind, string Endpoint, string Method, string Target, byte[]? Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>One endpoint of the coordinator as its route table lists it: a pattern and the methods it answers.</summary>
public sealed record ApiEndpoint(string Pattern, IReadOnlyList<string> Methods)
{
    /// <summary>Whether the pattern has route parameters such as <c>{id}</c>.</summary>
    public bool HasParameters => Pattern.Contains('{', StringComparison.Ordinal);
}
