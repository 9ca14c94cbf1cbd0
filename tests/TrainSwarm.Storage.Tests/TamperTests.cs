using TrainSwarm.Ledger;
using static TrainSwarm.Storage.Tests.Fixture;

namespace TrainSwarm.Storage.Tests;

/// <summary>Edits made directly in the database, behind the ledger's back: verify must fail and name the entry.</summary>
public class TamperTests
{
    /// <summary>A small history: entries 1-6 are genesis, 4 accounts and the mint; 7-10 the transfers below.</summary>
    private static async Task<Fixture> HistoryAsync(string backend)
    {
        var f = await CreateAsync(backend);
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(TransferRequest.Single(1, AliceWallet, BobWallet, 10 * Token, Reason.Transfer), f.Alice)); // 7
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(TransferRequest.Pending(2, AliceWallet, AliceEscrow, 20 * Token, Reason.Escrow), f.Alice)); // 8
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(TransferRequest.Post(3, 2, 5 * Token, Reason.Escrow))); // 9
        Assert.Equal(TransferStatus.Ok, await f.SubmitAsync(TransferRequest.Single(4, BobWallet, AliceWallet, 1 * Token, Reason.Transfer), f.Bob)); // 10
        var clean = await f.Store.VerifyAsync();
        Assert.True(clean.Ok, clean.ToString());
        Assert.Equal(10, clean.Entries);
        return f;
    }

    private static async Task<VerifyReport> VerifyFailsAtAsync(Fixture f, long sequence, string expectedText)
    {
        var report = await f.Store.VerifyAsync();
        Assert.False(report.Ok, "tampering went unnoticed");
        Assert.True(sequence == report.FailedSequence, $"expected entry {sequence} to be named, got: {report}");
        Assert.Contains(expectedText, report.Problem, StringComparison.Ordinal);
        Assert.Contains($"entry {sequence}", report.ToString(), StringComparison.Ordinal);
        return report;
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Changed_amount_is_caught(string backend)
    {
        await using var f = await HistoryAsync(backend);
        Assert.Equal(1, await f.Backend.ExecuteAsync("UPDATE ledger_entries SET amount = amount + 1 WHERE seq = 7"));
        await VerifyFailsAtAsync(f, 7, "hash does not match");
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Deleted_entry_is_caught(string backend)
    {
        await using var f = await HistoryAsync(backend);
        Assert.Equal(1, await f.Backend.ExecuteAsync("DELETE FROM ledger_entries WHERE seq = 8"));
        await VerifyFailsAtAsync(f, 9, "expected sequence 8");
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Swapped_entries_are_caught(string backend)
    {
        await using var f = await HistoryAsync(backend);
        // Exchange the sequence numbers of entries 7 and 10, so each sits where the other was.
        await f.Backend.ExecuteAsync("UPDATE ledger_entries SET seq = -7 WHERE seq = 7");
        await f.Backend.ExecuteAsync("UPDATE ledger_entries SET seq = 7 WHERE seq = 10");
        await f.Backend.ExecuteAsync("UPDATE ledger_entries SET seq = 10 WHERE seq = -7");
        await VerifyFailsAtAsync(f, 7, "previous hash does not match");
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Balance_edited_without_an_entry_is_caught(string backend)
    {
        await using var f = await HistoryAsync(backend);
        // Bob's wallet was last changed by entry 10; give him a token out of thin air, and take it from Alice so sums still match.
        Assert.Equal(1, await f.Backend.ExecuteAsync("UPDATE ledger_accounts SET balance = balance + 1000000 WHERE owner = @p0 AND kind = 1", f.Bob.Address));
        Assert.Equal(1, await f.Backend.ExecuteAsync("UPDATE ledger_accounts SET balance = balance - 1000000 WHERE owner = @p0 AND kind = 1", f.Alice.Address));
        await VerifyFailsAtAsync(f, 10, "stored with balance");
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Forged_actor_signature_is_caught_even_when_the_coordinator_re_signs(string backend)
    {
        await using var f = await HistoryAsync(backend);
        // A dishonest coordinator rewrites entry 10 as Bob paying 2 tokens instead of 1. It holds the chain key, so it
        // rehashes and re-signs 10, but it cannot make Bob's signature cover the new request.
        var original = (await f.Store.ReadEntriesAsync(9, 1))[0];
        var forged = original with { Transfer = original.Transfer! with { Amount = 2 * Token } };
        var hash = EntryEncoding.ComputeHash(forged);
        forged = forged with { Hash = hash, CoordinatorSignature = f.Coordinator.Sign(hash) };
        Assert.Equal(1, await f.Backend.ExecuteAsync("UPDATE ledger_entries SET amount = @p0, hash = @p1, signature = @p2 WHERE seq = 10",
            forged.Transfer!.Amount, forged.Hash, forged.CoordinatorSignature));
        await VerifyFailsAtAsync(f, 10, "actor signature");
    }
}
