using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TrainSwarm.Coordinator.Apis;
using TrainSwarm.Coordinator.Events;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.Telemetry;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Storage.Blobs;
using TrainSwarm.Storage.Crypto;
using TrainSwarm.Storage.Ledger;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>Builds and starts the coordinator: state loaded from the database, APIs mapped, deadlines ticking.</summary>
public static class CoordinatorHost
{
    /// <summary>
    /// Opens the state (creating key, database and ledger when new), and returns the app ready to run. The executable
    /// composes what else it serves (the dashboard): <paramref name="configureServices"/> adds its services,
    /// <paramref name="configureApp"/> maps it after the API.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(CoordinatorOptions options, Action<ILoggingBuilder>? logging = null,
        Action<WebApplicationBuilder>? configureServices = null, Action<WebApplication>? configureApp = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var keyPath = options.KeyPath ?? Path.Combine(options.DataDirectory, "coordinator.pem");
        if (!File.Exists(keyPath))
        {
            using var fresh = ActorKey.Generate();
            fresh.Save(keyPath);
        }
        var identity = new CoordinatorIdentity(ActorKey.Load(keyPath));
        var ledger = await LedgerStore.OpenAsync(options.ConnectionString, cancellation);
        await ledger.InitializeAsync(new KeySigner(identity.Key), options.Devnet, options.Clock.GetUtcNow(), cancellation);
        var store = await SwarmStore.OpenAsync(options.ConnectionString, cancellation);

        options.Limits.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(k => options.Limits.ApplyTo(k.Limits, options.MaxBlobBytes));
        builder.Logging.ClearProviders();
        if (logging is not null)
            logging(builder.Logging);
        builder.AddCoordinatorTelemetry(options.Telemetry);
        builder.Services.AddCoordinatorHealthChecks();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Clock);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(ledger);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new BlobStore(Path.Combine(options.DataDirectory, "blobs")));
        builder.Services.AddSingleton<EventHub>();
        builder.Services.AddCoordinatorState();
        builder.Services.AddSingleton<Leadership>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Leadership>());
        builder.Services.AddHostedService<DeadlineService>();
        builder.Services.AddHostedService<EventFeed>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemHandler>();
        builder.Services.AddOpenApi();
        configureServices?.Invoke(builder);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        });

        var app = builder.Build();
        await app.Services.LoadCoordinatorStateAsync(cancellation);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
        app.MapCoordinatorHealth();
        app.MapCoordinatorMetrics();
        app.MapActorsApi().MapNodesApi().MapJobsApi().MapRoundsApi().MapBlobsApi().MapDatasetsApi().MapEventsApi().MapLedgerApi();
        configureApp?.Invoke(app);
        return app;
    }

    /// <summary>The address the started app actually listens on (useful with port 0).</summary>
    public static string ListeningAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "";
}
