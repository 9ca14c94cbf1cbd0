using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>An actor registers its key under a role (creator, node, validator), and gets the ledger accounts of that role.</summary>
public sealed class RegisterActor(SwarmState state, StateCommitter committer, LedgerAccounts accounts)
{
    private static readonly string[] Roles = ["creator", "node", "validator"];

    /// <summary>Registers (or confirms) an actor. The signer must own the key; the role must be known.</summary>
    public Task<ActorView> RegisterAsync(string signer, ActorRegistration registration, CancellationToken cancellation)
    {
        var key = PublicKeys.Decode(registration.PublicKey, signer);
        if (!Roles.Contains(registration.Role))
            throw Refuse.Invalid($"role must be one of {string.Join(", ", Roles)}");
        return committer.MutateWithLedgerAsync(async changes =>
        {
            // Accounts first: an actor the coordinator acknowledged can always be paid and can always pay.
            await accounts.OpenAsync(LedgerAccounts.For(signer, registration.Role), cancellation);
            if (state.Actors.TryGetValue(signer, out var existing) && existing.Role == registration.Role)
                return View(existing);
            var record = new ActorRecord(signer, registration.Role, key, existing?.RegisteredAt ?? state.Now);
            state.PutActor(changes, record);
            return View(record);
        }, cancellation);
    }

    private static ActorView View(ActorRecord a) => new(a.Address, a.Role, a.RegisteredAt);
}
