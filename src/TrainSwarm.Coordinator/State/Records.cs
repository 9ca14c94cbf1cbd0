using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.State;

/// <summary>A registered actor and its public key (SubjectPublicKeyInfo DER, base64).</summary>
public sealed record ActorRecord(string Address, string Role, string PublicKey, DateTimeOffset RegisteredAt);

/// <summary>A registered node as stored.</summary>
public sealed record NodeRecord(string Address, NodeRegistration Registration, DateTimeOffset RegisteredAt, DateTimeOffset LastSeenAt);

/// <summary>When a node was last heard from: stored, so every replica sees a node that only talks to another one.</summary>
public sealed record SeenRecord(string Address, DateTimeOffset At);

/// <summary>Document kinds in the swarm store.</summary>
internal static class Kinds
{
    public const string Actor = "actor";
    public const string Node = "node";
    public const string Job = "job";
    public const string Round = "round";
    public const string Update = "update";
    public const string Result = "result";
    public const string Vote = "vote";
    public const string Quote = "quote";
    public const string Escrow = "escrow";
    public const string Outbox = "outbox";
    public const string StateRequest = "state-request";
    public const string Dataset = "dataset";
    public const string Seen = "seen";

    public static string RoundKey(string roundId, int attempt) => $"{roundId}#{attempt:D3}";
    public static string OutboxKey(long seq) => seq.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
    public static string UpdateKey(string roundId, int attempt, string node) => $"{roundId}#{attempt:D3}#{node}";
    public static string StateRequestKey(string roundId, int attempt, string node, string state) => $"{roundId}#{attempt:D3}#{node}#{state}";
}

/// <summary>
/// A job's money as the coordinator tracks it: the terms fixed by its quote, the creator's open reservation (the
/// escrow, renewed after each paid round for what is left), every round's reward receipt, and the refund.
/// </summary>
/// <param name="Reservation">The open pending transfer holding what is left of the budget (hex id), null when none is open.</param>
/// <param name="Reserved">Micro-tokens that reservation holds.</param>
/// <param name="ExpiresAt">When the ledger itself releases the reservation if the coordinator never does (deadline + grace).</param>
/// <param name="RefundOf">The reservation the refund voided (its expiry entry proves the refund if the ledger released it first).</param>
public sealed record EscrowRecord(
    string JobId, string Creator, Quote Quote, RewardTerms Terms, long Budget, DateTimeOffset Deadline, DateTimeOffset ExpiresAt, bool Partial,
    string? Reservation, long Reserved, long Spent, IReadOnlyList<RoundRewards> Rounds, long? Refund, string? RefundTransferId, string? RefundOf);

/// <summary>
/// A ledger transfer the coordinator decided on, stored with the state change that decided it and committed to the
/// ledger right after (and again after a crash: its id is fixed, so a second submission is answered "exists").
/// </summary>
/// <param name="Completes">"round:ID" or "job:ID" when this is the last transfer settling that round or job.</param>
/// <param name="Status">The ledger's answer once submitted (kebab-case status), null while waiting.</param>
public sealed record OutboxItem(long Seq, TransferWire Transfer, string? Completes, string? Status);

/// <summary>An uploaded dataset as stored: its manifest, and when its owner deleted it (its blobs stay: they are content-addressed).</summary>
public sealed record DatasetRecord(DatasetManifest Manifest, DateTimeOffset? DeletedAt);
