using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Dashboard.Hosting;

namespace TrainSwarm.Cli.Hosting;

/// <summary>
/// The composition root of `swarm coordinator run` (and so of `swarm devnet`, which starts that command): the
/// coordinator's host with the web dashboard wired in. The coordinator library knows nothing of the dashboard.
/// </summary>
public static class SwarmCoordinator
{
    /// <summary>
    /// The coordinator of <paramref name="options"/> serving the dashboard at the site root; its data-protection keys
    /// live in the data directory's dashboard-keys folder, so a restarted coordinator keeps accepting its browsers.
    /// </summary>
    public static Task<WebApplication> BuildAsync(
        CoordinatorOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CoordinatorHost.BuildAsync(
            options, logging,
            configureServices: builder => builder.Services.AddTrainSwarmDashboard(Path.Combine(options.DataDirectory, "dashboard-keys")),
            configureApp: app => app.MapTrainSwarmDashboard(),
            cancellation: cancellation);
    }
}
