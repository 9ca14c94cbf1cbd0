using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Ledger.Tests;

public class LedgerEngineTests
{
    private const long Token = Asset.UnitsPerToken;
    private const string Alice = "ts1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string Bob = "ts1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static readonly UInt128 Mint = 1, AliceWallet = 2, BobWallet = 3, Escrow = 4;

    private static TestLedger Funded(long aliceTokens = 100)
    {
        var ledger = new TestLedger();
        Assert.Equal(AccountStatus.Ok, ledger.Open(Mint, "mint", AccountKind.Mint));
        Assert.Equal(AccountStatus.Ok, ledger.Open(AliceWallet, Alice, AccountKind.Wallet));
        Assert.Equal(AccountStatus.Ok, ledger.Open(BobWallet, Bob, AccountKind.Wallet));
        Assert.Equal(AccountStatus.Ok, ledger.Open(Escrow, Alice, AccountKind.Escrow));
        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Single(1000, Mint, AliceWallet, aliceTokens * Token, Reason.Mint)));
        return ledger;
    }

    [Fact]
    public void Single_transfer_moves_exact_amounts()
    {
        var ledger = Funded();
        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Single(1, AliceWallet, BobWallet, 12_345_678, Reason.Transfer)));
        Assert.Equal(100 * Token - 12_345_678, ledger.Balance(AliceWallet));
        Assert.Equal(12_345_678, ledger.Balance(BobWallet));
        Assert.Equal(-100 * Token, ledger.Balance(Mint));
    }

    [Fact]
    public void Retry_with_same_fields_answers_exists_and_moves_nothing_twice()
    {
        var ledger = Funded();
        var request = TransferRequest.Single(1, AliceWallet, BobWallet, 5 * Token, Reason.Transfer, "job-1", 3);
        Assert.Equal(TransferStatus.Ok, ledger.Submit(request));
        Assert.Equal(TransferStatus.Exists, ledger.Submit(request with { }));
        Assert.Equal(5 * Token, ledger.Balance(BobWallet));
    }

    [Theory]
    [InlineData("Amount", TransferStatus.ExistsWithDifferentAmount)]
    [InlineData("Credit", TransferStatus.ExistsWithDifferentCreditAccount)]
    [InlineData("Debit", TransferStatus.ExistsWithDifferentDebitAccount)]
    [InlineData("Reason", TransferStatus.ExistsWithDifferentReason)]
    [InlineData("Job", TransferStatus.ExistsWithDifferentJob)]
    [InlineData("Round", TransferStatus.ExistsWithDifferentRound)]
    [InlineData("Kind", TransferStatus.ExistsWithDifferentKind)]
    public void Same_id_with_another_field_is_an_error_naming_the_field(string field, TransferStatus expected)
    {
        var ledger = Funded();
        var request = TransferRequest.Single(1, AliceWallet, BobWallet, 5 * Token, Reason.Transfer, "job-1", 3);
        Assert.Equal(TransferStatus.Ok, ledger.Submit(request));
        var changed = field switch
        {
            "Amount" => request with { Amount = 6 * Token },
            "Credit" => request with { CreditAccount = Escrow },
            "Debit" => request with { DebitAccount = BobWallet },
            "Reason" => request with { Reason = Reason.Fee },
            "Job" => request with { Job = "job-2" },
            "Round" => request with { Round = 4 },
            _ => request with { Kind = TransferKind.Pending },
        };
        Assert.Equal(expected, ledger.Submit(changed));
        Assert.Equal(5 * Token, ledger.Balance(BobWallet));
    }

    [Fact]
    public void Overdraft_is_refused_and_changes_nothing()
    {
        var ledger = Funded(aliceTokens: 1);
        var entriesBefore = ledger.Entries.Count;
        Assert.Equal(TransferStatus.InsufficientFunds, ledger.Submit(TransferRequest.Single(1, AliceWallet, BobWallet, Token + 1, Reason.Transfer)));
        Assert.Equal(Token, ledger.Balance(AliceWallet));
        Assert.Equal(entriesBefore, ledger.Entries.Count);
    }

    [Fact]
    public void Pending_reserves_and_partial_post_moves_part_and_releases_the_rest()
    {
        var ledger = Funded();
        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Pending(10, AliceWallet, Escrow, 40 * Token, Reason.Escrow, job: "job-1")));
        Assert.Equal(100 * Token, ledger.Balance(AliceWallet));
        Assert.Equal(40 * Token, ledger.Reserved(AliceWallet));
        // Reserved tokens cannot be spent twice.
        Assert.Equal(TransferStatus.InsufficientFunds, ledger.Submit(TransferRequest.Single(11, AliceWallet, BobWallet, 60 * Token + 1, Reason.Transfer)));

        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Post(12, 10, 15_500_000, Reason.Escrow)));
        Assert.Equal(100 * Token - 15_500_000, ledger.Balance(AliceWallet));
        Assert.Equal(0, ledger.Reserved(AliceWallet));
        Assert.Equal(15_500_000, ledger.Balance(Escrow));
        var pending = ledger.State.Transfers[10];
        Assert.Equal(PendingStatus.Posted, pending.Status);
        Assert.Equal(15_500_000, pending.PostedAmount);

        Assert.Equal(TransferStatus.PendingAlreadyPosted, ledger.Submit(TransferRequest.Post(13, 10, 1, Reason.Escrow)));
        Assert.Equal(TransferStatus.PendingAlreadyPosted, ledger.Submit(TransferRequest.Void(14, 10, Reason.Escrow)));
    }

    [Fact]
    public void Post_cannot_exceed_the_reservation()
    {
        var ledger = Funded();
        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Pending(10, AliceWallet, Escrow, 40 * Token, Reason.Escrow)));
        Assert.Equal(TransferStatus.PostExceedsReserved, ledger.Submit(TransferRequest.Post(12, 10, 40 * Token + 1, Reason.Escrow)));
        Assert.Equal(TransferStatus.PendingReasonMismatch, ledger.Submit(TransferRequest.Post(13, 10, 1, Reason.Payout)));
        Assert.Equal(40 * Token, ledger.Reserved(AliceWallet));
    }

    [Fact]
    public void Void_releases_everything_once()
    {
        var ledger = Funded();
        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Pending(10, AliceWallet, Escrow, 40 * Token, Reason.Escrow)));
        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Void(11, 10, Reason.Escrow)));
        Assert.Equal(100 * Token, ledger.Balance(AliceWallet));
        Assert.Equal(0, ledger.Reserved(AliceWallet));
        Assert.Equal(0, ledger.Balance(Escrow));
        Assert.Equal(TransferStatus.PendingAlreadyVoided, ledger.Submit(TransferRequest.Void(12, 10, Reason.Escrow)));
    }

    [Fact]
    public void Pending_expires_at_its_timeout_and_cannot_be_posted_after()
    {
        var ledger = Funded();
        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Pending(10, AliceWallet, Escrow, 40 * Token, Reason.Escrow, timeoutSeconds: 60)));
        ledger.Now += 59_999;
        Assert.Empty(ledger.Engine.ExpireDue(ledger.State, ledger.Now));
        ledger.Now += 1;
        Assert.Equal(TransferStatus.PendingExpired, ledger.Submit(TransferRequest.Post(11, 10, 1, Reason.Escrow)));
        var expired = ledger.Engine.ExpireDue(ledger.State, ledger.Now);
        Assert.Equal(AccountIds.ExpiryOf(10), Assert.Single(expired).Id);
        Assert.Equal(PendingStatus.Expired, ledger.State.Transfers[10].Status);
        Assert.Equal(0, ledger.Reserved(AliceWallet));
        Assert.Empty(ledger.Engine.ExpireDue(ledger.State, ledger.Now + 1_000_000));
        Assert.True(ledger.Verify().Ok, ledger.Verify().ToString());
    }

    [Fact]
    public void Minting_needs_a_devnet()
    {
        var ledger = new TestLedger(devnet: false);
        Assert.Equal(AccountStatus.MintNotAllowed, ledger.Open(Mint, "mint", AccountKind.Mint));
        var devnet = Funded();
        Assert.Equal(AccountStatus.MintNotAllowed, devnet.Open(99, "mint", AccountKind.Mint));
        Assert.Equal(TransferStatus.MintNotAllowed, devnet.Submit(TransferRequest.Single(5, Mint, BobWallet, 1, Reason.Transfer)));
        Assert.Equal(TransferStatus.MintReasonNeedsMintAccount, devnet.Submit(TransferRequest.Single(6, AliceWallet, BobWallet, 1, Reason.Mint)));
        Assert.Equal(TransferStatus.MintCannotBeCredited, devnet.Submit(TransferRequest.Single(7, AliceWallet, Mint, 1, Reason.Transfer)));
    }

    [Fact]
    public void Account_retry_is_exists_and_a_changed_owner_or_kind_is_named()
    {
        var ledger = Funded();
        Assert.Equal(AccountStatus.Exists, ledger.Open(AliceWallet, Alice, AccountKind.Wallet));
        Assert.Equal(AccountStatus.ExistsWithDifferentOwner, ledger.Open(AliceWallet, Bob, AccountKind.Wallet));
        Assert.Equal(AccountStatus.ExistsWithDifferentKind, ledger.Open(AliceWallet, Alice, AccountKind.Stake));
        Assert.Equal(AccountStatus.IdMustNotBeZero, ledger.Open(0, Alice, AccountKind.Stake));
        Assert.Equal(AccountStatus.OwnerInvalid, ledger.Open(77, "", AccountKind.Stake));
    }

    [Fact]
    public void At_most_one_payout_per_round_and_owner()
    {
        var ledger = Funded();
        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Single(1, AliceWallet, BobWallet, Token, Reason.Payout, "job-1", 1)));
        Assert.Equal(TransferStatus.PayoutAlreadyMade, ledger.Submit(TransferRequest.Single(2, AliceWallet, BobWallet, Token, Reason.Payout, "job-1", 1)));
        Assert.Equal(TransferStatus.Ok, ledger.Submit(TransferRequest.Single(3, AliceWallet, BobWallet, Token, Reason.Payout, "job-1", 2)));
        Assert.Equal(TransferStatus.PayoutNeedsJob, ledger.Submit(TransferRequest.Single(4, AliceWallet, BobWallet, Token, Reason.Payout)));
    }

    [Fact]
    public void Batch_returns_one_result_per_item_and_items_are_independent()
    {
        var ledger = Funded(aliceTokens: 10);
        var results = ledger.Engine.Submit(ledger.State,
        [
            new(TransferRequest.Single(1, AliceWallet, BobWallet, 4 * Token, Reason.Transfer)),
            new(TransferRequest.Single(2, AliceWallet, BobWallet, 7 * Token, Reason.Transfer)),
            new(TransferRequest.Single(3, AliceWallet, BobWallet, 6 * Token, Reason.Transfer)),
            new(TransferRequest.Single(1, AliceWallet, BobWallet, 4 * Token, Reason.Transfer)),
        ], ledger.Now);
        Assert.Equal([TransferStatus.Ok, TransferStatus.InsufficientFunds, TransferStatus.Ok, TransferStatus.Exists], results.Select(r => r.Status));
        Assert.Equal([0, 1, 2, 3], results.Select(r => r.Index));
        Assert.Equal(results[0].Sequence, results[3].Sequence);
        Assert.Equal(10 * Token, ledger.Balance(BobWallet));
    }

    [Fact]
    public void Actor_signature_authorizes_only_its_own_accounts()
    {
        using var alice = ActorKey.Generate();
        using var mallory = ActorKey.Generate();
        var ledger = new TestLedger();
        ledger.Open(Mint, "mint", AccountKind.Mint);
        ledger.Open(AliceWallet, alice.Address, AccountKind.Wallet);
        ledger.Open(BobWallet, mallory.Address, AccountKind.Wallet);
        ledger.Submit(TransferRequest.Single(1000, Mint, AliceWallet, 10 * Token, Reason.Mint));

        var escrow = TransferRequest.Pending(1, AliceWallet, BobWallet, 3 * Token, Reason.Escrow);
        Assert.Equal(TransferStatus.Ok, ledger.Submit(escrow, TestLedger.Sign(alice, escrow)));

        var theft = TransferRequest.Single(2, AliceWallet, BobWallet, Token, Reason.Transfer);
        Assert.Equal(TransferStatus.ActorNotAuthorized, ledger.Submit(theft, TestLedger.Sign(mallory, theft)));
        var forged = TestLedger.Sign(alice, theft with { Amount = 1 });
        Assert.Equal(TransferStatus.ActorSignatureInvalid, ledger.Submit(theft, forged));
        var borrowed = TestLedger.Sign(mallory, theft) with { Address = alice.Address };
        Assert.Equal(TransferStatus.ActorAddressMismatch, ledger.Submit(theft, borrowed));
        Assert.Equal(10 * Token, ledger.Balance(AliceWallet));
        Assert.True(ledger.Verify().Ok);
    }

    [Fact]
    public void Chain_links_each_entry_to_the_previous_and_verifies()
    {
        var ledger = Funded();
        ledger.Submit(TransferRequest.Single(1, AliceWallet, BobWallet, 1, Reason.Transfer));
        var entries = ledger.Entries;
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Equal(LedgerEntry.ZeroHash, entries[0].PreviousHash);
        for (var i = 1; i < entries.Count; i++)
            Assert.Equal(entries[i - 1].Hash, entries[i].PreviousHash);
        var report = ledger.Verify();
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(entries.Count, report.Entries);
        Assert.Equal(100 * Token, report.Supply);
        Assert.Equal(4, report.Accounts);
    }

    [Fact]
    public void Verifier_names_the_first_altered_entry()
    {
        var ledger = Funded();
        ledger.Submit(TransferRequest.Single(1, AliceWallet, BobWallet, 1, Reason.Transfer));
        ledger.Submit(TransferRequest.Single(2, AliceWallet, BobWallet, 1, Reason.Transfer));
        var entries = ledger.Entries.ToList();
        var target = entries.FindIndex(e => e.Transfer?.Id == 1);
        entries[target] = entries[target] with { Transfer = entries[target].Transfer! with { Amount = 2 } };
        var report = ledger.Verify(entries);
        Assert.False(report.Ok);
        Assert.Equal(entries[target].Sequence, report.FailedSequence);
        Assert.Contains("hash does not match", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Entry_encoding_is_stable()
    {
        // The hash covers the byte layout documented on EntryEncoding; the expected value was computed by an independent
        // Python implementation of that layout, and pins it so an accidental change breaks loudly instead of forking chains.
        var entry = new LedgerEntry(7, 1_700_000_000_123, EntryType.Transfer, null, null,
            new TransferRequest(0x0102, TransferKind.Pending, 3, 4, 5_000_000, Reason.Escrow, "job-9", 2, 0, 60),
            null, new byte[32], [], []);
        Assert.Equal("49040b0799e7dcf3742cb924a9315beb2f03847a4342c9a914d18711b35227fb", Convert.ToHexStringLower(EntryEncoding.ComputeHash(entry)));
    }

    [Fact]
    public void Asset_formats_with_six_decimals()
    {
        Assert.Equal("1.500000", Asset.Format(1_500_000));
        Assert.Equal("-0.000001", Asset.Format(-1));
        Assert.Equal("-9223372036854.775808", Asset.Format(long.MinValue));
    }
}
