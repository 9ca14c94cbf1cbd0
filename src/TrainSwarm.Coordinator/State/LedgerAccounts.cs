using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Coordinator.State;

/// <summary>Which ledger accounts each actor has, and opening them (idempotent: an open one answers "exists").</summary>
public sealed class LedgerAccounts(LedgerStore ledger, CoordinatorIdentity identity, TimeProvider clock)
{
    /// <summary>The devnet's mint, owned by the coordinator.</summary>
    public UInt128 MintAccount => AccountIds.For(identity.Address, AccountKind.Mint);

    /// <summary>The coordinator's own accounts: protocol fees, and on a devnet the mint.</summary>
    public Task OpenMarketAccountsAsync(CancellationToken cancellation)
    {
        var accounts = new List<NewAccount> { new(MarketIds.Fees(identity.Address), identity.Address, AccountKind.Fees) };
        if (ledger.Devnet)
            accounts.Add(new NewAccount(MintAccount, identity.Address, AccountKind.Mint));
        return OpenAsync(accounts, cancellation);
    }

    /// <summary>The accounts an actor of <paramref name="role"/> is paid into or pays from.</summary>
    public static List<NewAccount> For(string address, string role) => role switch
    {
        "node" => Node(address),
        "validator" => [new(MarketIds.Wallet(address), address, AccountKind.Wallet), new(MarketIds.Fees(address), address, AccountKind.Fees)],
        _ => [new(MarketIds.Wallet(address), address, AccountKind.Wallet)],
    };

    /// <summary>A node's wallet, claimable rewards and stake accounts.</summary>
    public static List<NewAccount> Node(string node) =>
    [
        new(MarketIds.Wallet(node), node, AccountKind.Wallet), new(MarketIds.Claimable(node), node, AccountKind.Claimable),
        new(MarketIds.StakeAccount(node), node, AccountKind.Stake),
    ];

    /// <summary>Opens accounts; a refusal other than "exists" is a broken invariant.</summary>
    public async Task OpenAsync(IReadOnlyList<NewAccount> accounts, CancellationToken cancellation)
    {
        foreach (var result in await ledger.OpenAccountsAsync(accounts, clock.GetUtcNow(), cancellation))
            if (!result.Succeeded)
                throw new InvalidOperationException($"the ledger refused to open account {result.Id:x32}: {result.Status}");
    }
}
