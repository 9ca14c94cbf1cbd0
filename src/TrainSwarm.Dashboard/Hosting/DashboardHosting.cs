using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using TrainSwarm.Dashboard.Components;
using TrainSwarm.Dashboard.Services;

namespace TrainSwarm.Dashboard.Hosting;

/// <summary>Adds the dashboard to a coordinator's web app.</summary>
public static class DashboardHosting
{
    /// <summary>
    /// Registers Blazor (interactive server rendering) and the dashboard's services. Data-protection keys (which
    /// protect circuit state and antiforgery tokens) are kept in <paramref name="keyDirectory"/>, beside the coordinator's
    /// state, so a restarted coordinator keeps accepting the browsers it served.
    /// </summary>
    public static IServiceCollection AddTrainSwarmDashboard(this IServiceCollection services, string keyDirectory)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddAntiforgery();
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keyDirectory)).SetApplicationName("TrainSwarm.Dashboard");
        services.AddSingleton<CoordinatorLink>();
        services.AddSingleton<LiveEvents>();
        services.AddSingleton<RewardCache>();
        services.AddScoped<BrowserKey>();
        services.AddScoped<BrowserSignedApi>();
        return services;
    }

    /// <summary>Maps the pages at the site root and their browser files; call after the API is mapped.</summary>
    public static WebApplication MapTrainSwarmDashboard(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapDashboardAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
