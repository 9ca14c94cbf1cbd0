using TrainSwarm.Client;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Commands;

/// <summary>Registering the client's key with the coordinator when it is new (wallet faucet, job submit).</summary>
internal static class Registration
{
    /// <summary>
    /// Registers the client's key under <paramref name="role"/> when the coordinator has no wallet for it (or always when
    /// <paramref name="force"/>: the role was asked for). Returns whether it registered now.
    /// </summary>
    public static async Task<bool> EnsureRegisteredAsync(SwarmClient client, string role, bool force, CancellationToken cancellation)
    {
        var address = client.Address;
        if (!force)
        {
            var balances = await Remote.CallAsync(client, $"cannot read the balances of {address}", () => client.BalancesAsync(address, cancellation));
            if (balances.Accounts.Any(a => a.Kind == AccountKind.Wallet))
                return false;
        }
        await Remote.CallAsync(client, $"the coordinator refused to register {address} as a {role}", () => client.RegisterActorAsync(role, cancellation));
        return true;
    }
}
