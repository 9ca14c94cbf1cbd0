using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Coordinator.Telemetry;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// An actor's own signed transfer between accounts (a claim, a payment to another wallet). Actors move tokens with
/// reason "transfer" only: escrows, stakes, payouts and fees are the market's, so no one can fake or pre-empt them.
/// </summary>
public sealed class ActorTransfer(SwarmState state, MeteredLedger metered)
{
    /// <summary>Commits the signed transfer <paramref name="signer"/> sent; the ledger's refusal is refused by its kind.</summary>
    public async Task<TransferOutcome> SubmitAsync(string signer, SignedTransferWire wire, CancellationToken cancellation)
    {
        if (wire?.Transfer is null)
            throw Refuse.Invalid("transfer is required");
        SignedTransfer signed;
        try
        {
            signed = wire.ToSigned();
        }
        catch (FormatException e)
        {
            throw Refuse.Invalid(e.Message);
        }
        if (signed.Actor!.Address != signer)
            throw Refuse.Forbidden($"the transfer is signed for {signed.Actor.Address}, but {signer} sent it");
        if (signed.Request.Kind != TransferKind.Single || signed.Request.Reason != Reason.Transfer)
            throw Refuse.Invalid(
                "actors may submit single transfers with reason transfer only; escrows, stakes, payouts and fees are made by the market");
        var result = (await metered.SubmitAsync([signed], state.Now, CancellationToken.None))[0];
        if (!result.Succeeded)
        {
            var kind = result.Status switch
            {
                TransferStatus.InsufficientFunds => RefusalKind.InsufficientFunds,
                TransferStatus.ActorNotAuthorized or TransferStatus.ActorSignatureInvalid or TransferStatus.ActorAddressMismatch => RefusalKind.Forbidden,
                TransferStatus.DebitAccountNotFound or TransferStatus.CreditAccountNotFound => RefusalKind.NotFound,
                _ => RefusalKind.Conflict,
            };
            throw Refuse.With(kind, "Transfer refused", $"the ledger refused transfer {wire.Transfer.Id}: {WireText.Kebab(result.Status)}");
        }
        return new TransferOutcome(TransferWire.Hex(signed.Request.Id), WireText.Kebab(result.Status), result.Sequence);
    }
}
