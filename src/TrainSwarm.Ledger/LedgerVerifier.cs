namespace TrainSwarm.Ledger;

/// <summary>
/// Replays a chain from its genesis: checks sequence numbers, hash links, each entry's hash and coordinator
/// signature, each actor's signature and authorization, and that the rules accept every entry; then compares the
/// rebuilt balances and pending transfers with what the store holds. Feed entries in order, in chunks; signature
/// checks within a chunk run in parallel, the replay runs in order.
/// </summary>
public sealed class LedgerVerifier(ISignatureVerifier verifier, string? expectedCoordinator = null)
{
    private readonly LedgerSnapshot _state = new(ChainHead.Empty, devnet: false);
    private byte[]? _coordinatorKey;

    /// <summary>The first problem found, or null while all holds.</summary>
    public string? Problem { get; private set; }

    /// <summary>The entry the first problem is in (0 while none).</summary>
    public long FailedSequence { get; private set; }

    /// <summary>Entries replayed so far.</summary>
    public long Entries => _state.Head.Sequence;

    /// <summary>Replays the next chunk of entries; returns false once a problem was found.</summary>
    public bool Feed(IReadOnlyList<LedgerEntry> chunk)
    {
        if (Problem is not null)
            return false;
        if (chunk.Count == 0)
            return true;
        if (_coordinatorKey is null && chunk[0].Genesis is { } genesis)
            _coordinatorKey = genesis.CoordinatorPublicKey;
        var checks = new EntryChecks[chunk.Count];
        Parallel.For(0, chunk.Count, i => checks[i] = CheckCrypto(chunk[i]));
        for (var i = 0; i < chunk.Count; i++)
        {
            var problem = Replay(chunk[i], checks[i]);
            if (problem is not null)
            {
                Problem = problem;
                FailedSequence = chunk[i].Sequence;
                return false;
            }
        }
        return true;
    }

    /// <summary>Compares the rebuilt state with the stored accounts and transfers, and returns the verdict.</summary>
    public VerifyReport Finish(IEnumerable<Account> storedAccounts, IEnumerable<TransferRecord> storedTransfers)
    {
        if (Problem is null && _state.Head.Sequence == 0)
            (Problem, FailedSequence) = ("the ledger has no entries", 1);
        if (Problem is null)
            CompareAccounts(storedAccounts);
        if (Problem is null)
            CompareTransfers(storedTransfers);
        var supply = _state.MintAccountId != 0 ? -_state.Accounts[_state.MintAccountId].Balance : 0;
        return new VerifyReport(Problem is null, _state.Head.Sequence, _state.Accounts.Count, supply,
            Convert.ToHexStringLower(_state.Head.Hash), FailedSequence, Problem);
    }

    private readonly record struct EntryChecks(bool HashMatches, bool CoordinatorSigned, TransferStatus Actor);

    private EntryChecks CheckCrypto(LedgerEntry entry)
    {
        byte[] hash;
        try
        {
            hash = EntryEncoding.ComputeHash(entry);
        }
        catch (ArgumentException)
        {
            return new EntryChecks(false, false, TransferStatus.Ok);
        }
        var signed = _coordinatorKey is not null && verifier.Verify(_coordinatorKey, entry.Hash, entry.CoordinatorSignature);
        var actor = entry is { Actor: { } evidence, Transfer: { } request }
            ? LedgerEngine.CheckActor(verifier, request, evidence)
            : TransferStatus.Ok;
        return new EntryChecks(hash.AsSpan().SequenceEqual(entry.Hash), signed, actor);
    }

    private string? Replay(LedgerEntry entry, EntryChecks checks)
    {
        var head = _state.Head;
        if (entry.Sequence != head.Sequence + 1)
            return $"expected sequence {head.Sequence + 1} after entry {head.Sequence} (an entry is missing, duplicated or out of order)";
        if (!entry.PreviousHash.AsSpan().SequenceEqual(head.Hash))
            return head.Sequence == 0
                ? "the first entry's previous hash is not zero"
                : $"its previous hash does not match the hash of entry {head.Sequence} (entries were removed, inserted or reordered)";
        if (!checks.HashMatches)
            return "its hash does not match its contents (the entry was altered)";
        if (!checks.CoordinatorSigned)
            return "the coordinator's signature does not verify";
        if (entry.Timestamp < head.Timestamp)
            return $"its time {entry.Timestamp} is before the previous entry's {head.Timestamp}";
        var problem = entry.Type switch
        {
            EntryType.Genesis => ReplayGenesis(entry),
            EntryType.OpenAccount when head.Sequence == 0 => "the first entry is not the genesis",
            EntryType.OpenAccount => ReplayAccount(entry),
            EntryType.Transfer when head.Sequence == 0 => "the first entry is not the genesis",
            EntryType.Transfer => ReplayTransfer(entry, checks.Actor),
            _ => $"unknown entry type {entry.Type}",
        };
        if (problem is null)
            _state.Head = new ChainHead(entry.Sequence, entry.Hash, entry.Timestamp);
        _state.ClearChanges();
        return problem;
    }

    private string? ReplayGenesis(LedgerEntry entry)
    {
        if (entry.Sequence != 1 || entry.Genesis is not { } genesis)
            return "a genesis entry after the start of the chain";
        if (!string.Equals(verifier.AddressOf(genesis.CoordinatorPublicKey), genesis.CoordinatorAddress, StringComparison.Ordinal))
            return "the genesis coordinator address is not derived from its key";
        if (expectedCoordinator is not null && !string.Equals(expectedCoordinator, genesis.CoordinatorAddress, StringComparison.Ordinal))
            return $"the chain is signed by {genesis.CoordinatorAddress}, not by the expected coordinator {expectedCoordinator}";
        _state.Devnet = genesis.Devnet;
        return null;
    }

    private string? ReplayAccount(LedgerEntry entry)
    {
        if (entry.Account is not { } account)
            return "an account entry without its account";
        if (entry.Actor is not null)
            return "an account entry carries an actor";
        var status = LedgerRules.CheckAccount(_state, account);
        if (status != AccountStatus.Ok)
            return $"opening account {account.Id:x32} is refused on replay: {status}";
        LedgerRules.OpenAccount(_state, account, entry.Sequence);
        return null;
    }

    private string? ReplayTransfer(LedgerEntry entry, TransferStatus actorCheck)
    {
        if (entry.Transfer is not { } request)
            return "a transfer entry without its transfer";
        if (actorCheck == TransferStatus.ActorSignatureInvalid)
            return $"the actor signature of {entry.Actor!.Address} does not verify over transfer {request.Id:x32} (forged authorization)";
        if (actorCheck != TransferStatus.Ok)
            return $"the actor evidence of transfer {request.Id:x32} is invalid: {actorCheck}";
        TransferStatus status;
        if (request.Kind == TransferKind.Expire)
        {
            status = entry.Actor is not null ? TransferStatus.ActorNotAuthorized
                : request.Id != AccountIds.ExpiryOf(request.PendingId) ? TransferStatus.KindInvalid
                : !_state.Transfers.TryGetValue(request.PendingId, out var pending) ? TransferStatus.PendingNotFound
                : !LedgerRules.IsDue(pending, entry.Timestamp) ? TransferStatus.KindInvalid
                : request != LedgerRules.ExpiryRequest(pending) ? TransferStatus.KindInvalid
                : _state.Transfers.ContainsKey(request.Id) ? TransferStatus.Exists
                : TransferStatus.Ok;
        }
        else
        {
            status = LedgerRules.CheckTransfer(_state, request, entry.Actor?.Address, entry.Timestamp);
        }
        if (status == TransferStatus.ActorNotAuthorized)
            return $"actor {entry.Actor?.Address} does not own the account transfer {request.Id:x32} debits (unauthorized)";
        if (status != TransferStatus.Ok)
            return $"transfer {request.Id:x32} ({request.Kind}) is refused on replay: {status}";
        LedgerRules.ApplyTransfer(_state, request, entry.Sequence, entry.Timestamp);
        return null;
    }

    private void CompareAccounts(IEnumerable<Account> storedAccounts)
    {
        var seen = new HashSet<UInt128>();
        Int128 storedSum = 0;
        foreach (var stored in storedAccounts)
        {
            seen.Add(stored.Id);
            storedSum += stored.Balance;
            if (!_state.Accounts.TryGetValue(stored.Id, out var rebuilt))
            {
                Fail(_state.Head.Sequence, $"account {stored.Id:x32} is in the store but no entry opened it");
                return;
            }
            string? what = !string.Equals(stored.Owner, rebuilt.Owner, StringComparison.Ordinal) ? $"owner {stored.Owner}, the log says {rebuilt.Owner}"
                : stored.Kind != rebuilt.Kind ? $"kind {stored.Kind}, the log says {rebuilt.Kind}"
                : stored.Balance != rebuilt.Balance ? $"balance {Asset.Format(stored.Balance)}, the log gives {Asset.Format(rebuilt.Balance)}"
                : stored.Reserved != rebuilt.Reserved ? $"reserved {Asset.Format(stored.Reserved)}, the log gives {Asset.Format(rebuilt.Reserved)}"
                : null;
            if (what is not null)
            {
                Fail(rebuilt.LastSequence, $"account {stored.Id:x32} (last changed by this entry) is stored with {what}");
                return;
            }
        }
        foreach (var rebuilt in _state.Accounts.Values)
        {
            if (!seen.Contains(rebuilt.Id))
            {
                Fail(rebuilt.LastSequence, $"account {rebuilt.Id:x32} is missing from the store");
                return;
            }
        }
        if (storedSum != 0)
            Fail(_state.Head.Sequence, $"stored balances sum to {storedSum}, not zero");
    }

    private void CompareTransfers(IEnumerable<TransferRecord> storedTransfers)
    {
        var count = 0;
        foreach (var stored in storedTransfers)
        {
            count++;
            if (!_state.Transfers.TryGetValue(stored.Request.Id, out var rebuilt))
            {
                Fail(stored.Sequence, $"transfer {stored.Request.Id:x32} is in the store but not in the log");
                return;
            }
            if (stored.Sequence != rebuilt.Sequence || stored.Status != rebuilt.Status || stored.PostedAmount != rebuilt.PostedAmount
                || stored.ExpiresAt != rebuilt.ExpiresAt || stored.Request != rebuilt.Request)
            {
                Fail(rebuilt.ResolvedBy != 0 ? rebuilt.ResolvedBy : rebuilt.Sequence,
                    $"transfer {stored.Request.Id:x32} is stored as {stored.Status} (posted {stored.PostedAmount}), " +
                    $"the log gives {rebuilt.Status} (posted {rebuilt.PostedAmount})");
                return;
            }
        }
        if (count != _state.Transfers.Count)
            Fail(_state.Head.Sequence, $"the store holds {count} transfers, the log {_state.Transfers.Count}");
    }

    private void Fail(long sequence, string problem) => (FailedSequence, Problem) = (sequence, problem);
}
