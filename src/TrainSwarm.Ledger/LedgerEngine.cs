namespace TrainSwarm.Ledger;

/// <summary>
/// Commits requests into a <see cref="LedgerSnapshot"/>: each accepted item becomes a hash-chained entry signed by
/// the coordinator. Pure: the host loads the snapshot and persists its change sets. Batches return one result per
/// item, and items are independent (a rejected item does not stop the ones after it).
/// </summary>
public sealed class LedgerEngine(ILedgerSigner coordinator, ISignatureVerifier verifier)
{
    /// <summary>The coordinator's signer.</summary>
    public ILedgerSigner Coordinator => coordinator;

    /// <summary>Appends the genesis entry to an empty chain.</summary>
    public LedgerEntry Genesis(LedgerSnapshot state, long now)
    {
        if (state.Head.Sequence != 0)
            throw new InvalidOperationException("the ledger already has a genesis entry");
        var body = new GenesisBody(coordinator.PublicKey, coordinator.Address, state.Devnet);
        return Append(state, EntryType.Genesis, body, null, null, null, now);
    }

    /// <summary>Opens accounts; an id already open with the same owner and kind answers <see cref="AccountStatus.Exists"/>.</summary>
    public IReadOnlyList<AccountResult> OpenAccounts(LedgerSnapshot state, IReadOnlyList<NewAccount> accounts, long now)
    {
        RequireGenesis(state);
        var results = new AccountResult[accounts.Count];
        for (var i = 0; i < accounts.Count; i++)
        {
            var account = accounts[i];
            var status = LedgerRules.CheckAccount(state, account);
            if (status == AccountStatus.Ok)
            {
                var entry = Append(state, EntryType.OpenAccount, null, account, null, null, now);
                LedgerRules.OpenAccount(state, account, entry.Sequence);
            }
            results[i] = new AccountResult(i, account.Id, status);
        }
        return results;
    }

    /// <summary>Commits transfers; see <see cref="TransferStatus"/> for every reason one is refused.</summary>
    public IReadOnlyList<TransferResult> Submit(LedgerSnapshot state, IReadOnlyList<SignedTransfer> transfers, long now)
    {
        RequireGenesis(state);
        var results = new TransferResult[transfers.Count];
        for (var i = 0; i < transfers.Count; i++)
        {
            var (request, actor) = (transfers[i].Request, transfers[i].Actor);
            var timestamp = NextTimestamp(state, now);
            var status = LedgerRules.CheckTransfer(state, request, actor?.Address, timestamp);
            // The signature is checked after the state checks so a retry (Exists) needs no signature work.
            if (status == TransferStatus.Ok && actor is not null)
                status = CheckActor(verifier, request, actor);
            long sequence = 0;
            if (status == TransferStatus.Ok)
            {
                var entry = Append(state, EntryType.Transfer, null, null, request, actor, timestamp);
                LedgerRules.ApplyTransfer(state, request, entry.Sequence, entry.Timestamp);
                sequence = entry.Sequence;
            }
            else if (status == TransferStatus.Exists)
            {
                sequence = state.Transfers[request.Id].Sequence;
            }
            results[i] = new TransferResult(i, request.Id, status, sequence);
        }
        return results;
    }

    /// <summary>Expires every loaded open pending transfer whose timeout is at or before <paramref name="now"/>, oldest first.</summary>
    public IReadOnlyList<TransferResult> ExpireDue(LedgerSnapshot state, long now)
    {
        RequireGenesis(state);
        var timestamp = NextTimestamp(state, now);
        var due = state.Transfers.Values
            .Where(t => LedgerRules.IsDue(t, timestamp))
            .OrderBy(t => t.ExpiresAt).ThenBy(t => t.Sequence)
            .ToList();
        var results = new TransferResult[due.Count];
        for (var i = 0; i < due.Count; i++)
        {
            var request = LedgerRules.ExpiryRequest(due[i]);
            var entry = Append(state, EntryType.Transfer, null, null, request, null, timestamp);
            LedgerRules.ApplyTransfer(state, request, entry.Sequence, entry.Timestamp);
            results[i] = new TransferResult(i, request.Id, TransferStatus.Ok, entry.Sequence);
        }
        return results;
    }

    /// <summary>Checks that the actor's address comes from its key and that its signature covers the request.</summary>
    public static TransferStatus CheckActor(ISignatureVerifier verifier, TransferRequest request, ActorEvidence actor)
    {
        if (!string.Equals(verifier.AddressOf(actor.PublicKey), actor.Address, StringComparison.Ordinal))
            return TransferStatus.ActorAddressMismatch;
        return verifier.Verify(actor.PublicKey, request.SigningBytes(), actor.Signature)
            ? TransferStatus.Ok
            : TransferStatus.ActorSignatureInvalid;
    }

    private static void RequireGenesis(LedgerSnapshot state)
    {
        if (state.Head.Sequence == 0)
            throw new InvalidOperationException("the ledger has no genesis entry yet");
    }

    /// <summary>Entry times never go backwards, even if the host's clock does.</summary>
    private static long NextTimestamp(LedgerSnapshot state, long now) => Math.Max(now, state.Head.Timestamp);

    private LedgerEntry Append(LedgerSnapshot state, EntryType type, GenesisBody? genesis, NewAccount? account,
        TransferRequest? transfer, ActorEvidence? actor, long now)
    {
        var head = state.Head;
        var unsigned = new LedgerEntry(head.Sequence + 1, NextTimestamp(state, now), type, genesis, account, transfer, actor,
            head.Hash, [], []);
        var hash = EntryEncoding.ComputeHash(unsigned);
        var entry = unsigned with { Hash = hash, CoordinatorSignature = coordinator.Sign(hash) };
        state.NewEntries.Add(entry);
        state.Head = new ChainHead(entry.Sequence, hash, entry.Timestamp);
        return entry;
    }
}
