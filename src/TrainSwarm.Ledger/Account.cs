namespace TrainSwarm.Ledger;

/// <summary>
/// An account and its balances in smallest units. <see cref="Balance"/> is what has moved in and out;
/// <see cref="Reserved"/> is what open pending transfers hold; <see cref="Available"/> is what may still be spent.
/// </summary>
public sealed class Account(UInt128 id, string owner, AccountKind kind, long balance = 0, long reserved = 0, long lastSequence = 0)
{
    /// <summary>The account's 128-bit id.</summary>
    public UInt128 Id { get; } = id;

    /// <summary>The address of the actor the account belongs to.</summary>
    public string Owner { get; } = owner;

    /// <summary>What the account is for.</summary>
    public AccountKind Kind { get; } = kind;

    /// <summary>Credits minus debits that have moved (negative only for the mint).</summary>
    public long Balance { get; internal set; } = balance;

    /// <summary>Sum of the open pending transfers debiting this account.</summary>
    public long Reserved { get; internal set; } = reserved;

    /// <summary>The sequence number of the last entry that changed this account.</summary>
    public long LastSequence { get; internal set; } = lastSequence;

    /// <summary>What may still be debited: balance minus reservations.</summary>
    public long Available => Balance - Reserved;

    /// <summary>A copy detached from any snapshot.</summary>
    public Account Clone() => new(Id, Owner, Kind, Balance, Reserved, LastSequence);

    /// <inheritdoc />
    public override string ToString() => $"{Id:x32} ({Kind}, {Owner}) balance {Asset.Format(Balance)} reserved {Asset.Format(Reserved)}";
}

/// <summary>A request to open an account.</summary>
public sealed record NewAccount(UInt128 Id, string Owner, AccountKind Kind);

/// <summary>The outcome of opening one account.</summary>
public enum AccountStatus
{
    /// <summary>Opened now.</summary>
    Ok,
    /// <summary>Already open with the same owner and kind (a retry).</summary>
    Exists,
    /// <summary>Account id 0 is reserved.</summary>
    IdMustNotBeZero,
    /// <summary>The owner must be 1 to 64 printable ASCII characters.</summary>
    OwnerInvalid,
    /// <summary>The kind is not one of <see cref="AccountKind"/>.</summary>
    KindInvalid,
    /// <summary>The id is taken by an account with another owner.</summary>
    ExistsWithDifferentOwner,
    /// <summary>The id is taken by an account of another kind.</summary>
    ExistsWithDifferentKind,
    /// <summary>A ledger has one mint account, and only a devnet has one.</summary>
    MintNotAllowed,
}

/// <summary>One item's outcome in an account batch.</summary>
public readonly record struct AccountResult(int Index, UInt128 Id, AccountStatus Status)
{
    /// <summary>True for <see cref="AccountStatus.Ok"/> and <see cref="AccountStatus.Exists"/>.</summary>
    public bool Succeeded => Status is AccountStatus.Ok or AccountStatus.Exists;
}
