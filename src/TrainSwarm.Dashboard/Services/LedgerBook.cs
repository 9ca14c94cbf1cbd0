using TrainSwarm.Dashboard.Formatting;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Services;

/// <summary>
/// Names the accounts and flows of one page of the ledger (<see cref="LedgerPage"/>, read from the coordinator a page at a time):
/// the page carries every account its transfers move and every pending transfer its posts and voids resolve, so nothing of
/// the rest of the ledger is held here.
/// </summary>
public sealed class LedgerBook
{
    private readonly Dictionary<string, AccountView> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TransferWire> _transfers = new(StringComparer.Ordinal);

    /// <summary>The words for <paramref name="page"/>'s entries.</summary>
    public LedgerBook(LedgerPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        foreach (var account in page.Accounts)
            _accounts[account.Id] = account;
        foreach (var transfer in page.Pending.Concat(page.Entries.Select(e => e.Transfer).OfType<TransferWire>()))
            _transfers[transfer.Id] = transfer;
    }

    /// <summary>A book of no entries (before the first page has loaded).</summary>
    public static LedgerBook Empty { get; } = new(new LedgerPage([], null, 0, 0, "", [], []));

    /// <summary>"wallet of ts1ab…cdef" for an account id seen in an open-account entry; the short id otherwise.</summary>
    public string DescribeAccount(string accountId) =>
        _accounts.TryGetValue(accountId, out var a)
            ? $"{a.Kind.ToString().ToLowerInvariant()} of {Units.Short(a.Owner)}"
            : Units.Short(accountId);

    /// <summary>
    /// Who pays whom and how much, as a person reads it. A post or void names only its pending transfer (its own
    /// accounts are zero), so it is shown with the pending transfer's accounts; a void releases what the pending
    /// reserved, back from the reserving account to the one it came from.
    /// </summary>
    public (string From, string To, long Amount) Flow(TransferWire transfer)
    {
        if (transfer.Kind is TransferKind.Post or TransferKind.Void or TransferKind.Expire
            && transfer.PendingId is { } pendingId && _transfers.TryGetValue(pendingId, out var pending))
            return transfer.Kind == TransferKind.Post
                ? (DescribeAccount(pending.DebitAccount), DescribeAccount(pending.CreditAccount), transfer.Amount)
                // A void or expiry releases the reservation: the amount goes back where it came from.
                : (DescribeAccount(pending.CreditAccount), DescribeAccount(pending.DebitAccount), pending.Amount);
        return (DescribeAccount(transfer.DebitAccount), DescribeAccount(transfer.CreditAccount), transfer.Amount);
    }

    /// <summary>"round 2" for a transfer that belongs to a round (the wire carries the 0-based index); "" otherwise.</summary>
    public static string RoundOf(TransferWire transfer) =>
        transfer.Job.Length == 0 || (transfer.Reason == Reason.Escrow && transfer.Round == 0) ? "" : $"round {transfer.Round + 1}";

    /// <summary>What an entry did, in a few words: "pending escrow", "post payout", "open wallet account".</summary>
    public static string Describe(LedgerEntryView entry) => entry switch
    {
        { Type: EntryType.Genesis } => "genesis",
        { Account: { } a } => $"open {a.Kind.ToString().ToLowerInvariant()} account",
        // The void of a job's reservation is how its unspent escrow goes back to the creator.
        { Transfer: { Kind: TransferKind.Void, Reason: Reason.Escrow } } => "refund (void escrow)",
        { Transfer: { } t } => t.Kind == TransferKind.Single
            ? t.Reason.ToString().ToLowerInvariant()
            : $"{t.Kind.ToString().ToLowerInvariant()} {t.Reason.ToString().ToLowerInvariant()}",
        _ => entry.Type.ToString().ToLowerInvariant(),
    };
}
