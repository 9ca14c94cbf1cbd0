namespace TrainSwarm.Ledger.Tests.Model;

/// <summary>
/// The reference model: the ledger's rules written as plainly as possible over dictionaries, with no chain, no
/// snapshots and no change tracking. The engine must agree with it on every status and every balance.
/// </summary>
public sealed class LedgerModel(bool devnet)
{
    private sealed class Pending
    {
        public required UInt128 Debit;
        public required UInt128 Credit;
        public required long Amount;
        public required Reason Reason;
        public required long ExpiresAt;
        public PendingStatus Status = PendingStatus.Open;
        public long Posted;
        public int Resolutions;
    }

    private readonly Dictionary<UInt128, (string Owner, AccountKind Kind)> _accounts = [];
    private readonly Dictionary<UInt128, TransferRequest> _requests = [];
    private readonly Dictionary<UInt128, Pending> _pending = [];
    private readonly HashSet<(string, long, string)> _payouts = [];
    private UInt128 _mint;

    public Dictionary<UInt128, long> Balance { get; } = [];
    public Dictionary<UInt128, long> Reserved { get; } = [];

    public long? PendingAmount(UInt128 id) => _pending.TryGetValue(id, out var p) ? p.Amount : null;
    public Reason? PendingReason(UInt128 id) => _pending.TryGetValue(id, out var p) ? p.Reason : null;

    /// <summary>Posted + released (+ still reserved) = reserved amount, and one resolution once resolved, for every pending transfer.</summary>
    public IEnumerable<string> PendingViolations()
    {
        foreach (var (id, p) in _pending)
        {
            var released = p.Status == PendingStatus.Open ? 0 : p.Amount - p.Posted;
            var stillReserved = p.Status == PendingStatus.Open ? p.Amount : 0;
            if (p.Posted + released + stillReserved != p.Amount || p.Posted < 0 || released < 0)
                yield return $"pending {id}: posted {p.Posted} + released {released} + reserved {stillReserved} != {p.Amount}";
            if (p.Resolutions != (p.Status == PendingStatus.Open ? 0 : 1))
                yield return $"pending {id}: {p.Resolutions} resolutions with status {p.Status}";
        }
    }

    public AccountStatus Open(NewAccount a)
    {
        if (_accounts.TryGetValue(a.Id, out var existing))
            return existing.Owner != a.Owner ? AccountStatus.ExistsWithDifferentOwner
                : existing.Kind != a.Kind ? AccountStatus.ExistsWithDifferentKind : AccountStatus.Exists;
        if (a.Kind == AccountKind.Mint && (!devnet || _mint != 0))
            return AccountStatus.MintNotAllowed;
        _accounts[a.Id] = (a.Owner, a.Kind);
        Balance[a.Id] = 0;
        Reserved[a.Id] = 0;
        if (a.Kind == AccountKind.Mint)
            _mint = a.Id;
        return AccountStatus.Ok;
    }

    public TransferStatus Submit(TransferRequest r, long now)
    {
        if (_requests.TryGetValue(r.Id, out var old))
            return Difference(old, r);
        var status = r.Kind is TransferKind.Single or TransferKind.Pending ? Move(r, now) : Resolve(r, now);
        if (status == TransferStatus.Ok)
            _requests[r.Id] = r;
        return status;
    }

    public int ExpireDue(long now)
    {
        var count = 0;
        foreach (var p in _pending.Values.Where(p => p.Status == PendingStatus.Open && p.ExpiresAt != 0 && now >= p.ExpiresAt))
        {
            Reserved[p.Debit] -= p.Amount;
            p.Status = PendingStatus.Expired;
            p.Resolutions++;
            count++;
        }
        return count;
    }

    private TransferStatus Move(TransferRequest r, long now)
    {
        if (r.Amount <= 0) return TransferStatus.AmountMustBePositive;
        if (r.DebitAccount == r.CreditAccount) return TransferStatus.AccountsMustDiffer;
        if (!_accounts.TryGetValue(r.DebitAccount, out var debit)) return TransferStatus.DebitAccountNotFound;
        if (!_accounts.TryGetValue(r.CreditAccount, out var credit)) return TransferStatus.CreditAccountNotFound;
        var fromMint = debit.Kind == AccountKind.Mint;
        if (fromMint && (r.Reason != Reason.Mint || !devnet)) return TransferStatus.MintNotAllowed;
        if (r.Reason == Reason.Mint && !fromMint) return TransferStatus.MintReasonNeedsMintAccount;
        if (credit.Kind == AccountKind.Mint) return TransferStatus.MintCannotBeCredited;
        if (r.Reason == Reason.Payout && _payouts.Contains((r.Job, r.Round, credit.Owner))) return TransferStatus.PayoutAlreadyMade;
        if (!fromMint && Balance[r.DebitAccount] - Reserved[r.DebitAccount] < r.Amount) return TransferStatus.InsufficientFunds;
        if (r.Reason == Reason.Payout)
            _payouts.Add((r.Job, r.Round, credit.Owner));
        if (r.Kind == TransferKind.Single)
        {
            Balance[r.DebitAccount] -= r.Amount;
            Balance[r.CreditAccount] += r.Amount;
        }
        else
        {
            Reserved[r.DebitAccount] += r.Amount;
            _pending[r.Id] = new Pending
            {
                Debit = r.DebitAccount,
                Credit = r.CreditAccount,
                Amount = r.Amount,
                Reason = r.Reason,
                ExpiresAt = r.TimeoutSeconds == 0 ? 0 : now + r.TimeoutSeconds * 1000L,
            };
        }
        return TransferStatus.Ok;
    }

    private TransferStatus Resolve(TransferRequest r, long now)
    {
        if (!_requests.TryGetValue(r.PendingId, out var target)) return TransferStatus.PendingNotFound;
        if (target.Kind != TransferKind.Pending) return TransferStatus.NotAPendingTransfer;
        var p = _pending[r.PendingId];
        if (p.Status == PendingStatus.Posted) return TransferStatus.PendingAlreadyPosted;
        if (p.Status == PendingStatus.Voided) return TransferStatus.PendingAlreadyVoided;
        if (p.Status == PendingStatus.Expired || (p.ExpiresAt != 0 && now >= p.ExpiresAt)) return TransferStatus.PendingExpired;
        if (r.Reason != p.Reason) return TransferStatus.PendingReasonMismatch;
        if (r.Kind == TransferKind.Post && r.Amount <= 0) return TransferStatus.AmountMustBePositive;
        if (r.Kind == TransferKind.Post && r.Amount > p.Amount) return TransferStatus.PostExceedsReserved;
        if (r.Kind == TransferKind.Void && r.Amount != 0) return TransferStatus.AmountMustBeZero;
        Reserved[p.Debit] -= p.Amount;
        if (r.Kind == TransferKind.Post)
        {
            Balance[p.Debit] -= r.Amount;
            Balance[p.Credit] += r.Amount;
            p.Posted = r.Amount;
        }
        p.Status = r.Kind == TransferKind.Post ? PendingStatus.Posted : PendingStatus.Voided;
        p.Resolutions++;
        return TransferStatus.Ok;
    }

    private static TransferStatus Difference(TransferRequest old, TransferRequest r) =>
        old.Kind != r.Kind ? TransferStatus.ExistsWithDifferentKind
        : old.DebitAccount != r.DebitAccount ? TransferStatus.ExistsWithDifferentDebitAccount
        : old.CreditAccount != r.CreditAccount ? TransferStatus.ExistsWithDifferentCreditAccount
        : old.Amount != r.Amount ? TransferStatus.ExistsWithDifferentAmount
        : old.Reason != r.Reason ? TransferStatus.ExistsWithDifferentReason
        : old.Job != r.Job ? TransferStatus.ExistsWithDifferentJob
        : old.Round != r.Round ? TransferStatus.ExistsWithDifferentRound
        : old.PendingId != r.PendingId ? TransferStatus.ExistsWithDifferentPendingId
        : old.TimeoutSeconds != r.TimeoutSeconds ? TransferStatus.ExistsWithDifferentTimeoutSeconds
        : TransferStatus.Exists;
}
