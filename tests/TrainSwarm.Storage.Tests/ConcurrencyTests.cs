using TrainSwarm.Ledger;
using static TrainSwarm.Storage.Tests.Fixture;

namespace TrainSwarm.Storage.Tests;

/// <summary>Several clients writing the same ledger at once, each through its own store and connections.</summary>
public class ConcurrencyTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Two_clients_posting_the_same_escrow_resolve_it_exactly_once(string backend)
    {
        await using var f = await CreateAsync(backend);
        var other = await f.SecondClientAsync();
        for (var round = 0; round < 20; round++)
        {
            var pendingId = (UInt128)(100 + round * 10);
            Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(TransferRequest.Pending(pendingId, AliceWallet, AliceEscrow, 2 * Token, Reason.Escrow)));
            // Different post ids racing for the same pending transfer: one wins, the other sees it resolved.
            var first = f.Store.SubmitAsync([TransferRequest.Post(pendingId + 1, pendingId, Token, Reason.Escrow)], Start);
            var second = other.SubmitAsync([TransferRequest.Post(pendingId + 2, pendingId, 2 * Token, Reason.Escrow)], Start);
            var statuses = new[] { (await first)[0].Status, (await second)[0].Status };
            Assert.Equal(1, statuses.Count(s => s == TransferStatus.Ok));
            Assert.Equal(1, statuses.Count(s => s == TransferStatus.PendingAlreadyPosted));
        }
        Assert.Equal(0, (await f.Store.GetAccountAsync(AliceWallet))!.Reserved);
        var report = await f.Store.VerifyAsync();
        Assert.True(report.Ok, report.ToString());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Concurrent_spenders_never_overdraw(string backend)
    {
        await using var f = await CreateAsync(backend, aliceTokens: 10);
        var clients = new[] { f.Store, await f.SecondClientAsync(), await f.SecondClientAsync(), await f.SecondClientAsync() };
        // 4 clients × 10 transfers of 1 token each against a 10-token wallet: exactly 10 can succeed.
        var tasks = clients.Select((client, c) => Task.Run(async () =>
        {
            var ok = 0;
            for (var i = 0; i < 10; i++)
            {
                var id = (UInt128)(1000 + c * 100 + i);
                var result = await client.SubmitAsync([TransferRequest.Single(id, AliceWallet, BobWallet, Token, Reason.Transfer)], Start);
                if (result[0].Status == TransferStatus.Ok)
                    ok++;
                else
                    Assert.Equal(TransferStatus.InsufficientFunds, result[0].Status);
            }
            return ok;
        })).ToList();
        var committed = (await Task.WhenAll(tasks)).Sum();
        Assert.Equal(10, committed);
        Assert.Equal(0, await f.BalanceAsync(AliceWallet));
        Assert.Equal(10 * Token, await f.BalanceAsync(BobWallet));
        Assert.True((await f.Store.VerifyAsync()).Ok);
    }
}
