using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Storage.Crypto;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Storage.Tests;

/// <summary>A devnet ledger with a mint and two actors' wallets, on one backend.</summary>
public sealed class Fixture : IAsyncDisposable
{
    public const long Token = Asset.UnitsPerToken;
    public static readonly UInt128 Mint = 1, AliceWallet = 2, BobWallet = 3, AliceEscrow = 4;
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private Fixture(TestBackend backend, LedgerStore store, ActorKey coordinator, ActorKey alice, ActorKey bob)
    {
        Backend = backend;
        Store = store;
        Coordinator = coordinator;
        Alice = alice;
        Bob = bob;
    }

    public TestBackend Backend { get; }
    public LedgerStore Store { get; }
    public ActorKey Coordinator { get; }
    public ActorKey Alice { get; }
    public ActorKey Bob { get; }

    public static async Task<Fixture> CreateAsync(string backendName, long aliceTokens = 100)
    {
        var backend = await TestBackend.CreateAsync(backendName);
        var coordinator = ActorKey.Generate();
        var store = await LedgerStore.OpenAsync(backend.Connection);
        await store.InitializeAsync(new KeySigner(coordinator), devnet: true, Start);
        var fixture = new Fixture(backend, store, coordinator, ActorKey.Generate(), ActorKey.Generate());
        var opened = await store.OpenAccountsAsync(
        [
            new NewAccount(Mint, "mint", AccountKind.Mint),
            new NewAccount(AliceWallet, fixture.Alice.Address, AccountKind.Wallet),
            new NewAccount(BobWallet, fixture.Bob.Address, AccountKind.Wallet),
            new NewAccount(AliceEscrow, fixture.Alice.Address, AccountKind.Escrow),
        ], Start);
        Assert.All(opened, r => Assert.Equal(AccountStatus.Ok, r.Status));
        var minted = await store.SubmitAsync([TransferRequest.Single(1_000_000, Mint, AliceWallet, aliceTokens * Token, Reason.Mint)], Start);
        Assert.Equal(TransferStatus.Ok, minted[0].Status);
        return fixture;
    }

    /// <summary>Another store on the same database, as a second process or client would open it.</summary>
    public async Task<LedgerStore> SecondClientAsync()
    {
        var store = await LedgerStore.OpenAsync(Backend.Connection);
        await store.InitializeAsync(new KeySigner(Coordinator), devnet: true, Start);
        return store;
    }

    public async Task<TransferStatus> SubmitAsync(TransferRequest request, ActorKey? actor = null, DateTimeOffset? now = null)
    {
        var evidence = actor is null ? null : new ActorEvidence(actor.Address, actor.PublicKey, actor.Sign(request.SigningBytes()));
        return (await Store.SubmitAsync([new SignedTransfer(request, evidence)], now ?? Start))[0].Status;
    }

    public async Task<long> BalanceAsync(UInt128 id) => (await Store.GetAccountAsync(id))!.Balance;

    public async ValueTask DisposeAsync()
    {
        Coordinator.Dispose();
        Alice.Dispose();
        Bob.Dispose();
        await Backend.DisposeAsync();
    }
}
