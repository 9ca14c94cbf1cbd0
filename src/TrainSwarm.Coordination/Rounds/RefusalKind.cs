namespace TrainSwarm.Coordination.Rounds;

/// <summary>What kind of "no" a refusal is; the HTTP edge maps each kind to a status code, the domain never sees one.</summary>
public enum RefusalKind
{
    /// <summary>The request itself is malformed or breaks a rule about its own fields.</summary>
    Invalid,

    /// <summary>The request's signature (or other proof of who sent it) does not check out.</summary>
    Unauthenticated,

    /// <summary>A wallet cannot pay what the request needs (a budget, a stake, a transfer).</summary>
    InsufficientFunds,

    /// <summary>The sender is known but may not do this.</summary>
    Forbidden,

    /// <summary>What the request names does not exist.</summary>
    NotFound,

    /// <summary>The request is well formed but the state does not allow it now.</summary>
    Conflict,

    /// <summary>The request carries more than the coordinator accepts.</summary>
    TooLarge,

    /// <summary>The request is well formed but its content fails a check (an uploaded dataset that does not parse).</summary>
    Unprocessable,
}
