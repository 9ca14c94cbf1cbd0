using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Storage.Crypto;

namespace TrainSwarm.Ledger.Tests;

/// <summary>A devnet ledger in memory with a mint, for tests that drive the engine directly.</summary>
internal sealed class TestLedger
{
    public static readonly ActorKey CoordinatorKey = ActorKey.Generate();

    public TestLedger(bool devnet = true, long start = 1_700_000_000_000)
    {
        Engine = new LedgerEngine(new KeySigner(CoordinatorKey), IdentityVerifier.Instance);
        State = new LedgerSnapshot(ChainHead.Empty, devnet);
        Now = start;
        Engine.Genesis(State, Now);
    }

    public LedgerEngine Engine { get; }
    public LedgerSnapshot State { get; }
    public long Now { get; set; }

    /// <summary>Every entry appended so far (the snapshot's change set is never cleared here).</summary>
    public IReadOnlyList<LedgerEntry> Entries => State.NewEntries;

    public AccountStatus Open(UInt128 id, string owner, AccountKind kind) =>
        Engine.OpenAccounts(State, [new NewAccount(id, owner, kind)], Now)[0].Status;

    public TransferStatus Submit(TransferRequest request, ActorEvidence? actor = null) =>
        Engine.Submit(State, [new SignedTransfer(request, actor)], Now)[0].Status;

    public long Balance(UInt128 id) => State.Accounts[id].Balance;
    public long Reserved(UInt128 id) => State.Accounts[id].Reserved;

    public VerifyReport Verify(IReadOnlyList<LedgerEntry>? entries = null)
    {
        var verifier = new LedgerVerifier(IdentityVerifier.Instance);
        verifier.Feed(entries ?? Entries);
        return verifier.Finish(State.Accounts.Values.Select(a => a.Clone()), State.Transfers.Values.Select(t => t.Clone()));
    }

    public static ActorEvidence Sign(ActorKey actor, TransferRequest request) =>
        new(actor.Address, actor.PublicKey, actor.Sign(request.SigningBytes()));
}
