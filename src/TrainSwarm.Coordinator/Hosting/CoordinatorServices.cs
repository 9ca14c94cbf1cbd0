using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.UseCases;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>The coordinator's state core, use cases and queries, registered in one place.</summary>
public static class CoordinatorServices
{
    /// <summary>Registers the state and commit core, one class per use case and the read models, all singletons over one state.</summary>
    public static IServiceCollection AddCoordinatorState(this IServiceCollection services)
    {
        services.AddSingleton<SwarmState>();
        services.AddSingleton<StateCommitter>();
        services.AddSingleton<LedgerAccounts>();
        services.AddSingleton<DrainOutbox>();
        services.AddSingleton<SettleRound>();
        services.AddSingleton<Permissions>();
        services.AddSingleton<QuoteJob>();
        services.AddSingleton<SubmitJob>();
        services.AddSingleton<CancelJob>();
        services.AddSingleton<RegisterActor>();
        services.AddSingleton<RegisterNode>();
        services.AddSingleton<JoinRound>();
        services.AddSingleton<AcceptUpdate>();
        services.AddSingleton<TakeValidation>();
        services.AddSingleton<AcceptResult>();
        services.AddSingleton<RoundStates>();
        services.AddSingleton<ApplyDeadlines>();
        services.AddSingleton<MintFromFaucet>();
        services.AddSingleton<ActorTransfer>();
        services.AddSingleton<DatasetUploads>();
        services.AddSingleton<CreateDataset>();
        services.AddSingleton<DeleteDataset>();
        services.AddSingleton<CollectDatasetBlobs>();
        services.AddSingleton<DatasetQueries>();
        services.AddSingleton<JobQueries>();
        services.AddSingleton<RoundQueries>();
        services.AddSingleton<NodeQuery>();
        services.AddSingleton<InvoiceQuery>();
        services.TryAddSingleton<ITextCompletions, GptTextCompletions>();
        services.AddSingleton<LedgerQueries>();
        return services;
    }

    /// <summary>Loads the stored state and opens the coordinator's own ledger accounts; run once before the app serves requests.</summary>
    public static async Task LoadCoordinatorStateAsync(this IServiceProvider services, CancellationToken cancellation)
    {
        await services.GetRequiredService<StateCommitter>().LoadAsync(cancellation);
        // A delete that crashed between its commit and freeing its blobs is finished here.
        await services.GetRequiredService<CollectDatasetBlobs>().CollectAsync(cancellation);
        await services.GetRequiredService<LedgerAccounts>().OpenMarketAccountsAsync(cancellation);
    }
}
