using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>Coordinator info and actor registration.</summary>
public static class ActorsApi
{
    public static IEndpointRouteBuilder MapActorsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Info, (SwarmService swarm) => TypedResults.Ok(new CoordinatorInfo(
            swarm.Identity.Address, Convert.ToBase64String(swarm.Identity.Key.PublicKey), swarm.Options.Devnet,
            typeof(ActorsApi).Assembly.GetName().Version?.ToString() ?? "0", swarm.Options.Validators, swarm.Options.MaxBlobBytes, swarm.Options.StakePerRound)))
            .WithSummary("The coordinator's address, network kind and limits");
        app.MapPost(Routes.Actors, async (HttpContext http, SwarmService swarm, CancellationToken ct) =>
        {
            var signed = SignedRequest.From(http);
            return TypedResults.Ok(await swarm.RegisterActorAsync(signed.Actor, signed.Read<ActorRegistration>(), ct));
        }).AddEndpointFilter(new SignatureFilter(selfCertifying: true)).WithSummary("Register a key (signed by that key)");
        return app;
    }
}
