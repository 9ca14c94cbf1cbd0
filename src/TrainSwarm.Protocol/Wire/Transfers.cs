using System.Globalization;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// A ledger transfer request on the wire: 128-bit ids as 32 lowercase hex characters, amounts in micro-tokens.
/// <see cref="ToRequest"/> gives the exact <see cref="TransferRequest"/> whose bytes an actor signs.
/// </summary>
public sealed record TransferWire(
    string Id, TransferKind Kind, string DebitAccount, string CreditAccount, long Amount, Reason Reason,
    string Job = "", long Round = 0, string? PendingId = null, uint TimeoutSeconds = 0)
{
    /// <summary>The wire form of <paramref name="request"/>.</summary>
    public static TransferWire From(TransferRequest request) => new(
        Hex(request.Id), request.Kind, Hex(request.DebitAccount), Hex(request.CreditAccount), request.Amount, request.Reason,
        request.Job, request.Round, request.PendingId == 0 ? null : Hex(request.PendingId), request.TimeoutSeconds);

    /// <summary>The ledger request; throws <see cref="FormatException"/> for an id that is not 32 hex characters.</summary>
    public TransferRequest ToRequest() => new(
        ParseId(Id, "id"), Kind, ParseId(DebitAccount, "debitAccount"), ParseId(CreditAccount, "creditAccount"), Amount, Reason,
        Job ?? "", Round, PendingId is null ? 0 : ParseId(PendingId, "pendingId"), TimeoutSeconds);

    /// <summary>32 lowercase hex characters.</summary>
    public static string Hex(UInt128 id) => id.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Parses 1 to 32 hex characters into an id.</summary>
    public static UInt128 ParseId(string? text, string field)
    {
        if (text is null || text.Length is 0 or > 32 || !UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
            throw new FormatException($"{field} must be 1 to 32 hex characters");
        return id;
    }
}

/// <summary>A transfer and its initiator's proof: address, public key (SubjectPublicKeyInfo DER, base64) and signature (base64) over its bytes.</summary>
public sealed record SignedTransferWire(TransferWire Transfer, string Address, string PublicKey, string Signature)
{
    /// <summary>Signs <paramref name="request"/> with <paramref name="key"/>.</summary>
    public static SignedTransferWire Sign(TransferRequest request, ActorKey key) => new(
        TransferWire.From(request), key.Address, Convert.ToBase64String(key.PublicKey), Convert.ToBase64String(key.Sign(request.SigningBytes())));

    /// <summary>The ledger's form; throws <see cref="FormatException"/> for malformed ids or base64.</summary>
    public SignedTransfer ToSigned() => new(Transfer.ToRequest(), new ActorEvidence(Address, Convert.FromBase64String(PublicKey),
        Convert.FromBase64String(Signature)));
}

/// <summary>The ledger's answer to one transfer: its id, the status name (<c>ok</c>, <c>exists</c>, …) and the committing entry.</summary>
public sealed record TransferOutcome(string Id, string Status, long Sequence);

/// <summary>One ledger account of an actor, in micro-tokens.</summary>
public sealed record AccountView(string Id, string Owner, AccountKind Kind, long Balance, long Reserved, long Available);

/// <summary>
/// An actor's money: every account it owns, and the three figures people ask for.
/// </summary>
/// <param name="Wallet">Available in the wallet (balance minus open reservations such as escrows and stakes).</param>
/// <param name="Reserved">Held by open reservations on the wallet: job escrows and round stakes.</param>
/// <param name="Claimable">Rewards earned and not yet claimed into the wallet.</param>
public sealed record Balances(string Address, long Wallet, long Reserved, long Claimable, IReadOnlyList<AccountView> Accounts);

/// <summary>A devnet faucet request: mint <paramref name="Amount"/> micro-tokens into the signer's wallet.</summary>
public sealed record FaucetRequest(long Amount);

/// <summary>One committed ledger entry as the API shows it.</summary>
/// <param name="Type">genesis, open-account or transfer.</param>
/// <param name="Hash">Lowercase hex hash of the entry (it chains the previous one's).</param>
/// <param name="Transfer">For a transfer entry: the request as committed.</param>
/// <param name="Actor">For an actor-signed transfer: the actor's address.</param>
/// <param name="Account">For an open-account entry: the account id, owner and kind.</param>
public sealed record LedgerEntryView(
    long Sequence, DateTimeOffset Time, EntryType Type, string Hash, string PreviousHash, TransferWire? Transfer, string? Actor, AccountView? Account);

/// <summary>
/// One page of committed ledger entries, newest first, with what it takes to describe them without the rest of the ledger.
/// </summary>
/// <param name="Next">The cursor for the older page (pass it as <c>before</c>): the oldest sequence of a full page; null when this page was not
/// full (it reached the first entry).</param>
/// <param name="Total">Entries there are (of the job, when the page is of one job's transfers).</param>
/// <param name="HeadSequence">The chain head when the page was read: its sequence (0 for an empty ledger) and hash.</param>
/// <param name="Accounts">Every account the page's transfers (and their pending transfers) move, with owner and kind.</param>
/// <param name="Pending">The pending transfers the page's posts, voids and expiries resolve, so their accounts can be named.</param>
public sealed record LedgerPage(
    IReadOnlyList<LedgerEntryView> Entries, long? Next, long Total, long HeadSequence, string HeadHash, IReadOnlyList<AccountView> Accounts,
    IReadOnlyList<TransferWire> Pending);

/// <summary>The outcome of replaying the ledger (hashes, signatures, authorizations, every balance), with a one-line summary.</summary>
/// <param name="FailedSequence">The first bad entry (0 when valid).</param>
public sealed record LedgerVerification(bool Ok, long Entries, int Accounts, long Supply, string HeadHash, long FailedSequence, string? Problem,
    string Summary);
