using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.State;

/// <summary>A registered actor and its public key (SubjectPublicKeyInfo DER, base64).</summary>
public sealed record ActorRecord(string Address, string Role, string PublicKey, DateTimeOffset RegisteredAt);

/// <summary>A registered node as stored.</summary>
public sealed record NodeRecord(string Address, NodeRegistration Registration, DateTimeOffset RegisteredAt, DateTimeOffset LastSeenAt);

/// <summary>Document kinds in the swarm store.</summary>
internal static class Kinds
{
    public const string Actor = "actor";
    public const string Node = "node";
    public const string Job = "job";
    public const string Round = "round";
    public const string Update = "update";
    public const string Result = "result";
    public const string Quote = "quote";

    public static string RoundKey(string roundId, int attempt) => $"{roundId}#{attempt:D3}";
    public static string UpdateKey(string roundId, int attempt, string node) => $"{roundId}#{attempt:D3}#{node}";
}
