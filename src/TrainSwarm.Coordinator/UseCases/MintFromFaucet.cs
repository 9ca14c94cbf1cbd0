using System.Security.Cryptography;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Ledger;
using TrainSwarm.Coordinator.Telemetry;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>The devnet faucet: mints tokens into a registered actor's wallet.</summary>
public sealed class MintFromFaucet(SwarmState state, LedgerStore ledger, MeteredLedger metered, LedgerAccounts accounts)
{
    /// <summary>The most one faucet call mints: a million tokens.</summary>
    public const long MaxAmount = 1_000_000 * Asset.UnitsPerToken;

    /// <summary>Mints <paramref name="amount"/> micro-tokens into <paramref name="actor"/>'s wallet; only on a devnet.</summary>
    public async Task<TransferOutcome> MintAsync(string actor, long amount, CancellationToken cancellation)
    {
        if (!ledger.Devnet)
            throw Refuse.Forbidden("the faucet exists only on a devnet; tokens on this network come from other holders");
        if (amount is <= 0 or > MaxAmount)
            throw Refuse.Invalid($"amount must be between 1 and {MaxAmount} micro-tokens ({Asset.Format(MaxAmount)} tokens)");
        var role = state.ActorOutsideGate(actor)?.Role
            ?? throw Refuse.Forbidden($"{actor} is not registered; register the key first (POST {Routes.Actors})");
        await accounts.OpenAsync(LedgerAccounts.For(actor, role), cancellation);
        var id = BitConverter.ToUInt128(RandomNumberGenerator.GetBytes(16));
        var mint = TransferRequest.Single(id == 0 ? 1 : id, accounts.MintAccount, MarketIds.Wallet(actor), amount, Reason.Mint);
        var result = (await metered.SubmitAsync([mint], state.Now, CancellationToken.None))[0];
        if (!result.Succeeded)
            throw Refuse.Invalid($"the ledger refused the mint: {WireText.Kebab(result.Status)}");
        return new TransferOutcome(TransferWire.Hex(mint.Id), WireText.Kebab(result.Status), result.Sequence);
    }
}
