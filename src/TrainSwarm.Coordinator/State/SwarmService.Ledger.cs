using System.Security.Cryptography;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.State;

/// <summary>The ledger as actors use it: accounts opened at registration, balances, the devnet faucet, signed transfers, the chain.</summary>
public sealed partial class SwarmService
{
    /// <summary>The most one faucet call mints: a million tokens.</summary>
    public const long MaxFaucetAmount = 1_000_000 * Asset.UnitsPerToken;

    private UInt128 MintAccount => AccountIds.For(Identity.Address, AccountKind.Mint);

    /// <summary>The coordinator's own accounts: protocol fees, and on a devnet the mint.</summary>
    private Task OpenMarketAccountsAsync(CancellationToken cancellation)
    {
        var accounts = new List<NewAccount> { new(MarketIds.Fees(Identity.Address), Identity.Address, AccountKind.Fees) };
        if (_ledger.Devnet)
            accounts.Add(new NewAccount(MintAccount, Identity.Address, AccountKind.Mint));
        return OpenAccountsAsync(accounts, cancellation);
    }

    /// <summary>The accounts an actor of <paramref name="role"/> is paid into or pays from.</summary>
    private static List<NewAccount> AccountsFor(string address, string role) => role switch
    {
        "node" => NodeAccounts(address),
        "validator" => [new(MarketIds.Wallet(address), address, AccountKind.Wallet), new(MarketIds.Fees(address), address, AccountKind.Fees)],
        _ => [new(MarketIds.Wallet(address), address, AccountKind.Wallet)],
    };

    private static List<NewAccount> NodeAccounts(string node) =>
        [new(MarketIds.Wallet(node), node, AccountKind.Wallet), new(MarketIds.Claimable(node), node, AccountKind.Claimable), new(MarketIds.StakeAccount(node), node, AccountKind.Stake)];

    /// <summary>Opens accounts (idempotent: an open one answers "exists").</summary>
    private async Task OpenAccountsAsync(IReadOnlyList<NewAccount> accounts, CancellationToken cancellation)
    {
        foreach (var result in await _ledger.OpenAccountsAsync(accounts, Now, cancellation))
            if (!result.Succeeded)
                throw new InvalidOperationException($"the ledger refused to open account {result.Id:x32}: {result.Status}");
    }

    /// <summary>Every account <paramref name="address"/> owns, and its wallet, reserved and claimable figures.</summary>
    public async Task<Balances> BalancesAsync(string address, CancellationToken cancellation)
    {
        var accounts = await _ledger.GetAccountsAsync(address, cancellation);
        var views = accounts.Select(a => new AccountView(TransferWire.Hex(a.Id), a.Owner, a.Kind, a.Balance, a.Reserved, a.Available)).ToList();
        var wallet = accounts.FirstOrDefault(a => a.Id == MarketIds.Wallet(address));
        var claimable = accounts.FirstOrDefault(a => a.Id == MarketIds.Claimable(address));
        return new Balances(address, wallet?.Available ?? 0, wallet?.Reserved ?? 0, claimable?.Balance ?? 0, views);
    }

    /// <summary>Mints tokens into a registered actor's wallet; only on a devnet.</summary>
    public async Task<TransferOutcome> FaucetAsync(string actor, long amount, CancellationToken cancellation)
    {
        if (!_ledger.Devnet)
            throw ApiProblemException.Forbidden("the faucet exists only on a devnet; tokens on this network come from other holders");
        if (amount is <= 0 or > MaxFaucetAmount)
            throw ApiProblemException.BadRequest($"amount must be between 1 and {MaxFaucetAmount} micro-tokens ({Asset.Format(MaxFaucetAmount)} tokens)");
        var role = Volatile.Read(ref _actorsSnapshot)?.GetValueOrDefault(actor)?.Role
            ?? throw ApiProblemException.Forbidden($"{actor} is not registered; register the key first (POST {Routes.Actors})");
        await OpenAccountsAsync(AccountsFor(actor, role), cancellation);
        var id = BitConverter.ToUInt128(RandomNumberGenerator.GetBytes(16));
        var mint = TransferRequest.Single(id == 0 ? 1 : id, MintAccount, MarketIds.Wallet(actor), amount, Reason.Mint);
        var result = (await _ledger.SubmitAsync([mint], Now, CancellationToken.None))[0];
        if (!result.Succeeded)
            throw ApiProblemException.BadRequest($"the ledger refused the mint: {Kebab(result.Status)}");
        return new TransferOutcome(TransferWire.Hex(mint.Id), Kebab(result.Status), result.Sequence);
    }

    /// <summary>
    /// An actor's own signed transfer between accounts (a claim, a payment to another wallet). Actors move tokens with
    /// reason "transfer" only: escrows, stakes, payouts and fees are the market's, so no one can fake or pre-empt them.
    /// </summary>
    public async Task<TransferOutcome> ActorTransferAsync(string signer, SignedTransferWire wire, CancellationToken cancellation)
    {
        if (wire?.Transfer is null)
            throw ApiProblemException.BadRequest("transfer is required");
        SignedTransfer signed;
        try
        {
            signed = wire.ToSigned();
        }
        catch (FormatException e)
        {
            throw ApiProblemException.BadRequest(e.Message);
        }
        if (signed.Actor!.Address != signer)
            throw ApiProblemException.Forbidden($"the transfer is signed for {signed.Actor.Address}, but {signer} sent it");
        if (signed.Request.Kind != TransferKind.Single || signed.Request.Reason != Reason.Transfer)
            throw ApiProblemException.BadRequest("actors may submit single transfers with reason transfer only; escrows, stakes, payouts and fees are made by the market");
        var result = (await _ledger.SubmitAsync([signed], Now, CancellationToken.None))[0];
        if (!result.Succeeded)
        {
            var status = result.Status switch
            {
                TransferStatus.InsufficientFunds => 402,
                TransferStatus.ActorNotAuthorized or TransferStatus.ActorSignatureInvalid or TransferStatus.ActorAddressMismatch => 403,
                TransferStatus.DebitAccountNotFound or TransferStatus.CreditAccountNotFound => 404,
                _ => 409,
            };
            throw new ApiProblemException(status, "Transfer refused", $"the ledger refused transfer {wire.Transfer.Id}: {Kebab(result.Status)}");
        }
        return new TransferOutcome(TransferWire.Hex(signed.Request.Id), Kebab(result.Status), result.Sequence);
    }

    /// <summary>One committed transfer, or null.</summary>
    public async Task<TransferWire?> TransferAsync(UInt128 id, CancellationToken cancellation) =>
        await _ledger.GetTransferAsync(id, cancellation) is { } record ? TransferWire.From(record.Request) : null;

    /// <summary>Entries after <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<LedgerEntryView>> LedgerEntriesAsync(long after, int limit, CancellationToken cancellation) =>
        (await _ledger.ReadEntriesAsync(after, limit, cancellation)).Select(e => new LedgerEntryView(
            e.Sequence, DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp), e.Type, e.HashHex, Convert.ToHexStringLower(e.PreviousHash),
            e.Transfer is null ? null : TransferWire.From(e.Transfer), e.Actor?.Address,
            e.Account is null ? null : new AccountView(TransferWire.Hex(e.Account.Id), e.Account.Owner, e.Account.Kind, 0, 0, 0))).ToList();

    /// <summary>Replays the whole ledger against this coordinator's key.</summary>
    public async Task<LedgerVerification> VerifyLedgerAsync(CancellationToken cancellation)
    {
        var report = await _ledger.VerifyAsync(Identity.Address, cancellation);
        return new LedgerVerification(report.Ok, report.Entries, report.Accounts, report.Supply, report.HeadHash, report.FailedSequence, report.Problem, report.ToString());
    }

    /// <summary>Lets the ledger release pending transfers whose timeout passed (escrows and stakes the coordinator never resolved).</summary>
    public Task ExpireLedgerAsync(CancellationToken cancellation) => _ledger.ExpireDueAsync(Now, cancellation);
}
