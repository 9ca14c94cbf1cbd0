namespace TrainSwarm.Ledger;

/// <summary>The key that makes a payout unique: one per (job, round, paid owner).</summary>
public readonly record struct PayoutKey(string Job, long Round, string Owner);

/// <summary>
/// The part of the ledger's state that a batch reads and writes. A host loads into it every account, transfer and
/// payout the batch names (a verifier holds the whole ledger), calls <see cref="LedgerEngine"/>, and persists what the
/// change sets list. Anything not loaded counts as absent, so the host must load everything the batch names.
/// </summary>
public sealed class LedgerSnapshot(ChainHead head, bool devnet, UInt128 mintAccountId = default)
{
    /// <summary>The last committed entry.</summary>
    public ChainHead Head { get; internal set; } = head;

    /// <summary>True on a devnet ledger, the only kind that may mint.</summary>
    public bool Devnet { get; internal set; } = devnet;

    /// <summary>The mint account's id, 0 when there is none.</summary>
    public UInt128 MintAccountId { get; internal set; } = mintAccountId;

    /// <summary>Loaded and created accounts by id.</summary>
    public Dictionary<UInt128, Account> Accounts { get; } = [];

    /// <summary>Loaded and created transfers by id.</summary>
    public Dictionary<UInt128, TransferRecord> Transfers { get; } = [];

    /// <summary>Loaded and created payout keys.</summary>
    public HashSet<PayoutKey> Payouts { get; } = [];

    /// <summary>Entries appended since loading, in order.</summary>
    public List<LedgerEntry> NewEntries { get; } = [];

    /// <summary>Accounts opened since loading.</summary>
    public HashSet<UInt128> NewAccounts { get; } = [];

    /// <summary>Accounts whose balances changed since loading (including new ones).</summary>
    public HashSet<UInt128> ChangedAccounts { get; } = [];

    /// <summary>Transfers committed since loading.</summary>
    public HashSet<UInt128> NewTransfers { get; } = [];

    /// <summary>Transfers whose pending status changed since loading (including new ones).</summary>
    public HashSet<UInt128> ChangedTransfers { get; } = [];

    /// <summary>Payout keys taken since loading.</summary>
    public List<PayoutKey> NewPayouts { get; } = [];

    /// <summary>Adds an account read from storage.</summary>
    public void Load(Account account) => Accounts[account.Id] = account;

    /// <summary>Adds a transfer read from storage.</summary>
    public void Load(TransferRecord transfer) => Transfers[transfer.Request.Id] = transfer;

    /// <summary>Adds a payout key read from storage.</summary>
    public void Load(PayoutKey payout) => Payouts.Add(payout);

    /// <summary>Forgets the change sets, after the host persisted them.</summary>
    public void ClearChanges()
    {
        NewEntries.Clear();
        NewAccounts.Clear();
        ChangedAccounts.Clear();
        NewTransfers.Clear();
        ChangedTransfers.Clear();
        NewPayouts.Clear();
    }
}
