namespace TrainSwarm.Ledger;

/// <summary>
/// A ledger invariant broke (an account below zero, a reservation gone negative, a chain out of order). This is a bug
/// or corrupted state, never a user error: the operation crashes instead of returning a code, as in TigerBeetle.
/// </summary>
public sealed class LedgerInvariantException(string message) : Exception(message);
