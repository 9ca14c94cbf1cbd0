using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.UseCases;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>Coordinator info and actor registration.</summary>
public static class ActorsApi
{
    public static IEndpointRouteBuilder MapActorsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Info, (CoordinatorIdentity identity, CoordinatorOptions options) => TypedResults.Ok(new CoordinatorInfo(
            identity.Address, Convert.ToBase64String(identity.Key.PublicKey), options.Devnet,
            typeof(ActorsApi).Assembly.GetName().Version?.ToString() ?? "0", options.Validators, options.MaxBlobBytes, options.StakePerRound)))
            .WithSummary("The coordinator's address, network kind and limits");
        app.MapPost(Routes.Actors, async (HttpContext http, RegisterActor register, CancellationToken ct) =>
        {
            var signed = SignedRequest.From(http);
            return TypedResults.Ok(await register.RegisterAsync(signed.Actor, signed.Read<ActorRegistration>(), ct));
        }).AddEndpointFilter(new SignatureFilter(selfCertifying: true)).WithSummary("Register a key (signed by that key)");
        return app;
    }
}
