using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Storage.Crypto;
using TrainSwarm.Storage.Ledger;
using static TrainSwarm.Storage.Tests.Fixture;

namespace TrainSwarm.Storage.Tests;

/// <summary>The store's contract; every test runs on SQLite and on PostgreSQL.</summary>
public class LedgerStoreTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Transfers_persist_with_exact_balances_and_verify(string backend)
    {
        await using var f = await CreateAsync(backend);
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(TransferRequest.Single(1, AliceWallet, BobWallet, 12_345_678, Reason.Transfer), f.Alice));
        Assert.Equal(100 * Token - 12_345_678, await f.BalanceAsync(AliceWallet));
        Assert.Equal(12_345_678, await f.BalanceAsync(BobWallet));
        Assert.Equal(-100 * Token, await f.BalanceAsync(Mint));

        // A fresh reader sees the same, and verify agrees.
        var reader = await LedgerStore.OpenExistingAsync(f.Backend.Connection);
        var report = await reader.VerifyAsync(f.Coordinator.Address);
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(7, report.Entries); // genesis, 4 accounts, mint, transfer
        Assert.Equal(4, report.Accounts);
        Assert.Equal(100 * Token, report.Supply);
        Assert.Equal((await reader.HeadAsync()).Hash, Convert.FromHexString(report.HeadHash));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Retry_is_exists_and_a_changed_field_is_named(string backend)
    {
        await using var f = await CreateAsync(backend);
        var request = TransferRequest.Single(1, AliceWallet, BobWallet, 5 * Token, Reason.Transfer, "job-1", 2);
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(request));
        Assert.Equal(TransferStatus.Exists, await f.SubmitAsync(request));
        Assert.Equal(TransferStatus.ExistsWithDifferentAmount, await f.SubmitAsync(request with { Amount = 1 }));
        Assert.Equal(TransferStatus.ExistsWithDifferentRound, await f.SubmitAsync(request with { Round = 3 }));
        Assert.Equal(5 * Token, await f.BalanceAsync(BobWallet));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Bad_input_changes_nothing(string backend)
    {
        await using var f = await CreateAsync(backend, aliceTokens: 1);
        var head = await f.Store.HeadAsync();
        var results = await f.Store.SubmitAsync(
        [
            TransferRequest.Single(1, AliceWallet, BobWallet, Token + 1, Reason.Transfer),
            TransferRequest.Single(2, AliceWallet, 999, 1, Reason.Transfer),
            TransferRequest.Single(3, AliceWallet, BobWallet, 0, Reason.Transfer),
            TransferRequest.Post(4, 12345, 1, Reason.Escrow),
        ], Start);
        Assert.Equal(
            [TransferStatus.InsufficientFunds, TransferStatus.CreditAccountNotFound, TransferStatus.AmountMustBePositive, TransferStatus.PendingNotFound],
            results.Select(r => r.Status));
        Assert.Equal(head.Sequence, (await f.Store.HeadAsync()).Sequence);
        Assert.Equal(Token, await f.BalanceAsync(AliceWallet));
        Assert.Null(await f.Store.GetTransferAsync(1));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Escrow_posts_partially_then_refunds_nothing_twice(string backend)
    {
        await using var f = await CreateAsync(backend);
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(
            TransferRequest.Pending(10, AliceWallet, AliceEscrow, 40 * Token, Reason.Escrow, job: "job-1"), f.Alice));
        Assert.Equal(40 * Token, (await f.Store.GetAccountAsync(AliceWallet))!.Reserved);
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(TransferRequest.Post(11, 10, 15 * Token, Reason.Escrow, "job-1", 1)));
        var pending = (await f.Store.GetTransferAsync(10))!;
        Assert.Equal(PendingStatus.Posted, pending.Status);
        Assert.Equal(15 * Token, pending.PostedAmount);
        Assert.Equal(85 * Token, await f.BalanceAsync(AliceWallet));
        Assert.Equal(0, (await f.Store.GetAccountAsync(AliceWallet))!.Reserved);
        Assert.Equal(15 * Token, await f.BalanceAsync(AliceEscrow));
        Assert.Equal(TransferStatus.PendingAlreadyPosted, await f.SubmitAsync(TransferRequest.Void(12, 10, Reason.Escrow)));
        Assert.True((await f.Store.VerifyAsync()).Ok);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Due_pending_transfers_expire(string backend)
    {
        await using var f = await CreateAsync(backend);
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(
            TransferRequest.Pending(10, AliceWallet, AliceEscrow, 40 * Token, Reason.Escrow, timeoutSeconds: 30)));
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(
            TransferRequest.Pending(11, AliceWallet, AliceEscrow, 1 * Token, Reason.Escrow, timeoutSeconds: 90)));
        Assert.Empty(await f.Store.ExpireDueAsync(Start.AddSeconds(29)));
        var expired = await f.Store.ExpireDueAsync(Start.AddSeconds(30));
        Assert.Equal(AccountIds.ExpiryOf(10), Assert.Single(expired).Id);
        Assert.Equal(PendingStatus.Expired, (await f.Store.GetTransferAsync(10))!.Status);
        Assert.Equal(PendingStatus.Open, (await f.Store.GetTransferAsync(11))!.Status);
        Assert.Equal(1 * Token, (await f.Store.GetAccountAsync(AliceWallet))!.Reserved);
        Assert.Equal(TransferStatus.PendingExpired, await f.SubmitAsync(TransferRequest.Post(12, 10, 1, Reason.Escrow), now: Start.AddSeconds(31)));
        Assert.True((await f.Store.VerifyAsync()).Ok);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Batch_of_many_commits_each_item_once(string backend)
    {
        await using var f = await CreateAsync(backend);
        var batch = Enumerable.Range(1, 1000).Select(i => TransferRequest.Single((UInt128)i, AliceWallet, BobWallet, 1000, Reason.Transfer)).ToList();
        var results = await f.Store.SubmitAsync(batch, Start);
        Assert.Equal(1000, results.Count);
        Assert.All(results, r => Assert.Equal(TransferStatus.Ok, r.Status));
        var again = await f.Store.SubmitAsync(batch, Start);
        Assert.All(again, r => Assert.Equal(TransferStatus.Exists, r.Status));
        Assert.Equal(1_000_000, await f.BalanceAsync(BobWallet));
        var latest = await f.Store.ReadLatestAsync(3);
        Assert.Equal(latest[0].Sequence - 1, latest[1].Sequence);
        Assert.True((await f.Store.VerifyAsync()).Ok);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Another_coordinator_key_cannot_take_over_a_ledger(string backend)
    {
        await using var f = await CreateAsync(backend);
        using var intruder = ActorKey.Generate();
        var store = await LedgerStore.OpenAsync(f.Backend.Connection);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(new KeySigner(intruder), true, Start));
        Assert.Contains(f.Coordinator.Address, error.Message, StringComparison.Ordinal);
        var pinned = await store.VerifyAsync(intruder.Address);
        Assert.False(pinned.Ok);
        Assert.Equal(1, pinned.FailedSequence);
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.SubmitAsync([TransferRequest.Single(5, AliceWallet, BobWallet, 1, Reason.Transfer)], Start));
    }
}
