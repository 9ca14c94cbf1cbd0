using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.State;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>Who may act as what, beyond holding a registered key: today, who may validate rounds.</summary>
public sealed class Permissions(SwarmState state, CoordinatorOptions options)
{
    /// <summary>
    /// Refuses unless <paramref name="address"/> is a registered validator this coordinator trusts: one listed in
    /// <see cref="CoordinatorOptions.Validators"/>, or on a devnet without a list, any registered validator.
    /// </summary>
    public void RequireValidator(string address)
    {
        var actor = state.ActorOutsideGate(address);
        var allowed = options.Validators.Count > 0 ? options.Validators.Contains(address) : options.Devnet;
        if (actor is null || actor.Role != "validator" || !allowed)
            throw Refuse.Forbidden($"{address} is not an allowed validator of this coordinator");
    }
}
