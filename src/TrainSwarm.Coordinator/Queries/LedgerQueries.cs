using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Coordinator.Queries;

/// <summary>The ledger as actors read it: balances, one transfer, the entries, and a full verification.</summary>
public sealed class LedgerQueries(LedgerStore ledger, State.CoordinatorIdentity identity)
{
    /// <summary>Every account <paramref name="address"/> owns, and its wallet, reserved and claimable figures.</summary>
    public async Task<Balances> BalancesAsync(string address, CancellationToken cancellation)
    {
        var accounts = await ledger.GetAccountsAsync(address, cancellation);
        var views = accounts.Select(a => new AccountView(TransferWire.Hex(a.Id), a.Owner, a.Kind, a.Balance, a.Reserved, a.Available)).ToList();
        var wallet = accounts.FirstOrDefault(a => a.Id == MarketIds.Wallet(address));
        var claimable = accounts.FirstOrDefault(a => a.Id == MarketIds.Claimable(address));
        return new Balances(address, wallet?.Available ?? 0, wallet?.Reserved ?? 0, claimable?.Balance ?? 0, views);
    }

    /// <summary>One committed transfer, or null.</summary>
    public async Task<TransferWire?> TransferAsync(UInt128 id, CancellationToken cancellation) =>
        await ledger.GetTransferAsync(id, cancellation) is { } record ? TransferWire.From(record.Request) : null;

    /// <summary>Entries after <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<LedgerEntryView>> EntriesAsync(long after, int limit, CancellationToken cancellation) =>
        (await ledger.ReadEntriesAsync(after, limit, cancellation)).Select(ViewOf).ToList();

    /// <summary>
    /// Up to <paramref name="limit"/> entries before <paramref name="before"/> (null: from the head), newest first, optionally of one job's
    /// transfers, with the accounts and pending transfers that name who paid whom.
    /// </summary>
    public async Task<LedgerPage> PageAsync(long? before, int limit, string? job, CancellationToken cancellation)
    {
        // The head first: an entry committed while the page is read is then newer than the head, never missing below it.
        var head = await ledger.HeadAsync(cancellation);
        var below = before ?? head.Sequence + 1;
        var entries = job is null
            ? await ledger.ReadLatestAsync(limit, below, cancellation)
            : await ledger.ReadLatestOfJobAsync(job, limit, below, cancellation);
        var views = entries.Select(ViewOf).ToList();
        var pending = new List<TransferWire>();
        foreach (var id in views.Select(e => e.Transfer?.PendingId).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal))
            if (await ledger.GetTransferAsync(TransferWire.ParseId(id, "pending"), cancellation) is { } record)
                pending.Add(TransferWire.From(record.Request));
        var accounts = new List<AccountView>();
        var moved = views.Select(e => e.Transfer).OfType<TransferWire>().Concat(pending).SelectMany(t => new[] { t.DebitAccount, t.CreditAccount });
        foreach (var id in moved.Distinct(StringComparer.Ordinal))
            if (await ledger.GetAccountAsync(TransferWire.ParseId(id, "account"), cancellation) is { } a)
                accounts.Add(new AccountView(TransferWire.Hex(a.Id), a.Owner, a.Kind, a.Balance, a.Reserved, a.Available));
        var total = await ledger.CountEntriesAsync(job, cancellation);
        return new LedgerPage(views, entries.Count == limit ? entries[^1].Sequence : null, total, head.Sequence, Convert.ToHexStringLower(head.Hash),
            accounts, pending);
    }

    private static LedgerEntryView ViewOf(LedgerEntry e) => new(
        e.Sequence, DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp), e.Type, e.HashHex, Convert.ToHexStringLower(e.PreviousHash),
        e.Transfer is null ? null : TransferWire.From(e.Transfer), e.Actor?.Address,
        e.Account is null ? null : new AccountView(TransferWire.Hex(e.Account.Id), e.Account.Owner, e.Account.Kind, 0, 0, 0));

    /// <summary>Replays the whole ledger against this coordinator's key.</summary>
    public async Task<LedgerVerification> VerifyAsync(CancellationToken cancellation)
    {
        var report = await ledger.VerifyAsync(identity.Address, cancellation);
        return new LedgerVerification(report.Ok, report.Entries, report.Accounts, report.Supply, report.HeadHash, report.FailedSequence, report.Problem,
            report.ToString());
    }
}
