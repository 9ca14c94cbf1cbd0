namespace TrainSwarm.Ledger;

/// <summary>
/// The validation and state changes every host and every verifier share: the engine uses them to commit requests,
/// the verifier to replay entries, so a log is valid exactly when replaying it accepts every entry.
/// The order of the checks is part of the contract (the first failing check names the status).
/// </summary>
internal static class LedgerRules
{
    public static AccountStatus CheckAccount(LedgerSnapshot state, NewAccount account)
    {
        if (account.Id == 0)
            return AccountStatus.IdMustNotBeZero;
        if (state.Accounts.TryGetValue(account.Id, out var existing))
        {
            return !string.Equals(existing.Owner, account.Owner, StringComparison.Ordinal) ? AccountStatus.ExistsWithDifferentOwner
                : existing.Kind != account.Kind ? AccountStatus.ExistsWithDifferentKind
                : AccountStatus.Exists;
        }
        if (!IsPrintableAscii(account.Owner, 1, 64))
            return AccountStatus.OwnerInvalid;
        if (!Enum.IsDefined(account.Kind))
            return AccountStatus.KindInvalid;
        if (account.Kind == AccountKind.Mint && (!state.Devnet || state.MintAccountId != 0))
            return AccountStatus.MintNotAllowed;
        return AccountStatus.Ok;
    }

    public static void OpenAccount(LedgerSnapshot state, NewAccount account, long sequence)
    {
        state.Accounts.Add(account.Id, new Account(account.Id, account.Owner, account.Kind, 0, 0, sequence));
        state.NewAccounts.Add(account.Id);
        state.ChangedAccounts.Add(account.Id);
        if (account.Kind == AccountKind.Mint)
            state.MintAccountId = account.Id;
    }

    /// <summary>
    /// Checks a client request against the state at <paramref name="timestamp"/>. <paramref name="actor"/> is the
    /// authenticated actor's address (its signature already checked), or null for the coordinator.
    /// </summary>
    public static TransferStatus CheckTransfer(LedgerSnapshot state, TransferRequest request, string? actor, long timestamp)
    {
        if (request.Id == 0)
            return TransferStatus.IdMustNotBeZero;
        if (state.Transfers.TryGetValue(request.Id, out var existing))
            return CompareWithExisting(existing.Request, request);
        if (request.Kind is not (TransferKind.Single or TransferKind.Pending or TransferKind.Post or TransferKind.Void))
            return TransferStatus.KindInvalid;
        if (!Enum.IsDefined(request.Reason))
            return TransferStatus.ReasonInvalid;
        if (!IsPrintableAscii(request.Job, 0, TransferRequest.MaxJobLength))
            return TransferStatus.JobInvalid;
        if (request.Round < 0)
            return TransferStatus.RoundMustNotBeNegative;
        return request.Kind is TransferKind.Single or TransferKind.Pending
            ? CheckMovement(state, request, actor)
            : CheckResolution(state, request, actor, timestamp);
    }

    private static TransferStatus CheckMovement(LedgerSnapshot state, TransferRequest request, string? actor)
    {
        if (request.PendingId != 0)
            return TransferStatus.PendingIdMustBeZero;
        if (request.Kind == TransferKind.Single && request.TimeoutSeconds != 0)
            return TransferStatus.TimeoutOnlyForPending;
        if (request.Amount <= 0)
            return TransferStatus.AmountMustBePositive;
        if (request.DebitAccount == request.CreditAccount)
            return TransferStatus.AccountsMustDiffer;
        if (!state.Accounts.TryGetValue(request.DebitAccount, out var debit))
            return TransferStatus.DebitAccountNotFound;
        if (!state.Accounts.TryGetValue(request.CreditAccount, out var credit))
            return TransferStatus.CreditAccountNotFound;
        if (debit.Kind == AccountKind.Mint && (request.Reason != Reason.Mint || !state.Devnet))
            return TransferStatus.MintNotAllowed;
        if (request.Reason == Reason.Mint && debit.Kind != AccountKind.Mint)
            return TransferStatus.MintReasonNeedsMintAccount;
        if (credit.Kind == AccountKind.Mint)
            return TransferStatus.MintCannotBeCredited;
        if (actor is not null && !string.Equals(actor, debit.Owner, StringComparison.Ordinal))
            return TransferStatus.ActorNotAuthorized;
        if (request.Reason == Reason.Payout)
        {
            if (request.Job.Length == 0)
                return TransferStatus.PayoutNeedsJob;
            if (state.Payouts.Contains(new PayoutKey(request.Job, request.Round, credit.Owner)))
                return TransferStatus.PayoutAlreadyMade;
        }
        if (debit.Kind != AccountKind.Mint && debit.Available < request.Amount)
            return TransferStatus.InsufficientFunds;
        if (debit.Kind == AccountKind.Mint && debit.Balance < long.MinValue + request.Amount)
            return TransferStatus.Overflow;
        if (credit.Balance > long.MaxValue - request.Amount)
            return TransferStatus.Overflow;
        return TransferStatus.Ok;
    }

    private static TransferStatus CheckResolution(LedgerSnapshot state, TransferRequest request, string? actor, long timestamp)
    {
        if (request.PendingId == 0)
            return TransferStatus.PendingIdRequired;
        if (request.TimeoutSeconds != 0)
            return TransferStatus.TimeoutOnlyForPending;
        if (!state.Transfers.TryGetValue(request.PendingId, out var pending))
            return TransferStatus.PendingNotFound;
        if (pending.Request.Kind != TransferKind.Pending)
            return TransferStatus.NotAPendingTransfer;
        var status = CheckOpen(pending, timestamp);
        if (status != TransferStatus.Ok)
            return status;
        if (request.DebitAccount != 0 && request.DebitAccount != pending.DebitAccount)
            return TransferStatus.PendingDebitAccountMismatch;
        if (request.CreditAccount != 0 && request.CreditAccount != pending.CreditAccount)
            return TransferStatus.PendingCreditAccountMismatch;
        if (request.Reason != pending.Request.Reason)
            return TransferStatus.PendingReasonMismatch;
        if (request.Kind == TransferKind.Post)
        {
            if (request.Amount <= 0)
                return TransferStatus.AmountMustBePositive;
            if (request.Amount > pending.Request.Amount)
                return TransferStatus.PostExceedsReserved;
        }
        else if (request.Amount != 0)
        {
            return TransferStatus.AmountMustBeZero;
        }
        if (actor is not null && !string.Equals(actor, state.Accounts[pending.DebitAccount].Owner, StringComparison.Ordinal))
            return TransferStatus.ActorNotAuthorized;
        return TransferStatus.Ok;
    }

    /// <summary>Ok when the pending transfer is open and not yet due at <paramref name="timestamp"/>.</summary>
    private static TransferStatus CheckOpen(TransferRecord pending, long timestamp) => pending.Status switch
    {
        PendingStatus.Posted => TransferStatus.PendingAlreadyPosted,
        PendingStatus.Voided => TransferStatus.PendingAlreadyVoided,
        PendingStatus.Expired => TransferStatus.PendingExpired,
        PendingStatus.Open when pending.ExpiresAt != 0 && timestamp >= pending.ExpiresAt => TransferStatus.PendingExpired,
        PendingStatus.Open => TransferStatus.Ok,
        _ => throw new LedgerInvariantException($"transfer {pending.Request.Id:x32} is pending with status {pending.Status}"),
    };

    /// <summary>True when <paramref name="pending"/> is an open pending transfer due at <paramref name="timestamp"/>.</summary>
    public static bool IsDue(TransferRecord pending, long timestamp) =>
        pending.Request.Kind == TransferKind.Pending && pending.Status == PendingStatus.Open
        && pending.ExpiresAt != 0 && timestamp >= pending.ExpiresAt;

    /// <summary>The ledger's own expiry request for a pending transfer.</summary>
    public static TransferRequest ExpiryRequest(TransferRecord pending) =>
        new(AccountIds.ExpiryOf(pending.Request.Id), TransferKind.Expire, 0, 0, 0, pending.Request.Reason, PendingId: pending.Request.Id);

    /// <summary>Applies a checked request; a broken invariant here means the check and the state disagree, so it crashes.</summary>
    public static void ApplyTransfer(LedgerSnapshot state, TransferRequest request, long sequence, long timestamp)
    {
        TransferRecord record;
        switch (request.Kind)
        {
            case TransferKind.Single:
            {
                var (debit, credit) = (state.Accounts[request.DebitAccount], state.Accounts[request.CreditAccount]);
                Move(state, debit, credit, request.Amount, sequence);
                record = new TransferRecord(request, sequence, timestamp, debit.Id, credit.Id, 0);
                TakePayout(state, request, credit);
                break;
            }
            case TransferKind.Pending:
            {
                var (debit, credit) = (state.Accounts[request.DebitAccount], state.Accounts[request.CreditAccount]);
                debit.Reserved = checked(debit.Reserved + request.Amount);
                Touch(state, debit, sequence);
                var expiresAt = request.TimeoutSeconds == 0 ? 0 : checked(timestamp + request.TimeoutSeconds * 1000L);
                record = new TransferRecord(request, sequence, timestamp, debit.Id, credit.Id, expiresAt, PendingStatus.Open);
                TakePayout(state, request, credit);
                break;
            }
            case TransferKind.Post or TransferKind.Void or TransferKind.Expire:
            {
                var pending = state.Transfers[request.PendingId];
                if (pending.Status != PendingStatus.Open)
                    throw new LedgerInvariantException($"entry {sequence}: pending transfer {request.PendingId:x32} resolved twice");
                var (debit, credit) = (state.Accounts[pending.DebitAccount], state.Accounts[pending.CreditAccount]);
                debit.Reserved -= pending.Request.Amount;
                Touch(state, debit, sequence);
                var posted = request.Kind == TransferKind.Post ? request.Amount : 0;
                if (posted > 0)
                    Move(state, debit, credit, posted, sequence);
                pending.Status = request.Kind switch
                {
                    TransferKind.Post => PendingStatus.Posted,
                    TransferKind.Void => PendingStatus.Voided,
                    _ => PendingStatus.Expired,
                };
                pending.PostedAmount = posted;
                pending.ResolvedBy = sequence;
                state.ChangedTransfers.Add(pending.Request.Id);
                record = new TransferRecord(request, sequence, timestamp, debit.Id, credit.Id, 0);
                break;
            }
            default:
                throw new LedgerInvariantException($"entry {sequence}: cannot apply a transfer of kind {request.Kind}");
        }
        state.Transfers.Add(request.Id, record);
        state.NewTransfers.Add(request.Id);
        state.ChangedTransfers.Add(request.Id);
    }

    private static void Move(LedgerSnapshot state, Account debit, Account credit, long amount, long sequence)
    {
        debit.Balance = checked(debit.Balance - amount);
        credit.Balance = checked(credit.Balance + amount);
        Touch(state, debit, sequence);
        Touch(state, credit, sequence);
    }

    private static void Touch(LedgerSnapshot state, Account account, long sequence)
    {
        if (account.Reserved < 0)
            throw new LedgerInvariantException($"entry {sequence}: account {account.Id:x32} has a negative reservation {account.Reserved}");
        if (account.Kind != AccountKind.Mint && account.Available < 0)
            throw new LedgerInvariantException($"entry {sequence}: account {account.Id:x32} would go negative ({account.Available})");
        account.LastSequence = sequence;
        state.ChangedAccounts.Add(account.Id);
    }

    private static void TakePayout(LedgerSnapshot state, TransferRequest request, Account credit)
    {
        if (request.Reason != Reason.Payout)
            return;
        var key = new PayoutKey(request.Job, request.Round, credit.Owner);
        if (!state.Payouts.Add(key))
            throw new LedgerInvariantException($"second payout for job {request.Job} round {request.Round} to {credit.Owner}");
        state.NewPayouts.Add(key);
    }

    private static TransferStatus CompareWithExisting(TransferRequest existing, TransferRequest request) =>
        existing.FirstDifference(request) switch
        {
            null => TransferStatus.Exists,
            nameof(TransferRequest.Kind) => TransferStatus.ExistsWithDifferentKind,
            nameof(TransferRequest.DebitAccount) => TransferStatus.ExistsWithDifferentDebitAccount,
            nameof(TransferRequest.CreditAccount) => TransferStatus.ExistsWithDifferentCreditAccount,
            nameof(TransferRequest.Amount) => TransferStatus.ExistsWithDifferentAmount,
            nameof(TransferRequest.Reason) => TransferStatus.ExistsWithDifferentReason,
            nameof(TransferRequest.Job) => TransferStatus.ExistsWithDifferentJob,
            nameof(TransferRequest.Round) => TransferStatus.ExistsWithDifferentRound,
            nameof(TransferRequest.PendingId) => TransferStatus.ExistsWithDifferentPendingId,
            _ => TransferStatus.ExistsWithDifferentTimeoutSeconds,
        };

    private static bool IsPrintableAscii(string? text, int minLength, int maxLength)
    {
        if (text is null || text.Length < minLength || text.Length > maxLength)
            return false;
        foreach (var c in text)
            if (c is < ' ' or > '~')
                return false;
        return true;
    }
}
