namespace TrainSwarm.Ledger;

/// <summary>What an account is for. Stored as a byte; the numbers are part of the hashed entry encoding.</summary>
public enum AccountKind : byte
{
    /// <summary>The source of all tokens on a devnet; its negative balance is the supply.</summary>
    Mint = 0,
    /// <summary>An actor's spendable tokens.</summary>
    Wallet = 1,
    /// <summary>Tokens held for a job until its rounds settle.</summary>
    Escrow = 2,
    /// <summary>A node's bond, lost when it is caught cheating.</summary>
    Stake = 3,
    /// <summary>Rewards earned by a node and not yet claimed into its wallet.</summary>
    Claimable = 4,
    /// <summary>Validator and protocol fees.</summary>
    Fees = 5,
}

/// <summary>Why tokens moved. Stored as a byte; the numbers are part of the hashed entry encoding.</summary>
public enum Reason : byte
{
    /// <summary>New tokens out of the mint (devnet only).</summary>
    Mint = 1,
    /// <summary>A creator reserving a job's budget.</summary>
    Escrow = 2,
    /// <summary>A node paid for an accepted update.</summary>
    Payout = 3,
    /// <summary>A validator or protocol fee.</summary>
    Fee = 4,
    /// <summary>Unspent escrow going back to the creator.</summary>
    Refund = 5,
    /// <summary>A node bonding tokens.</summary>
    Stake = 6,
    /// <summary>A node releasing its bond.</summary>
    Unstake = 7,
    /// <summary>A cheating node's stake taken.</summary>
    Slash = 8,
    /// <summary>Any other movement between accounts (claims, gifts).</summary>
    Transfer = 9,
}

/// <summary>The phase of a transfer, as in TigerBeetle's two-phase transfers.</summary>
public enum TransferKind : byte
{
    /// <summary>Moves the amount at once.</summary>
    Single = 1,
    /// <summary>Reserves the amount in the debit account; nothing moves yet.</summary>
    Pending = 2,
    /// <summary>Moves up to the reserved amount of a pending transfer; the rest is released.</summary>
    Post = 3,
    /// <summary>Releases a pending transfer's reservation.</summary>
    Void = 4,
    /// <summary>Releases a pending transfer whose timeout passed; only the ledger itself creates these.</summary>
    Expire = 5,
}

/// <summary>Where a pending transfer stands. Each pending transfer resolves at most once.</summary>
public enum PendingStatus : byte
{
    /// <summary>Not a pending transfer.</summary>
    None = 0,
    /// <summary>Reserved, not yet resolved.</summary>
    Open = 1,
    /// <summary>Resolved by a post.</summary>
    Posted = 2,
    /// <summary>Resolved by a void.</summary>
    Voided = 3,
    /// <summary>Resolved by expiry.</summary>
    Expired = 4,
}

/// <summary>The type of a chain entry.</summary>
public enum EntryType : byte
{
    /// <summary>The first entry: the coordinator's public key and whether the ledger is a devnet.</summary>
    Genesis = 1,
    /// <summary>An account opened.</summary>
    OpenAccount = 2,
    /// <summary>A transfer of any <see cref="TransferKind"/>.</summary>
    Transfer = 3,
}
