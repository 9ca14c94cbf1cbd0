using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>Rounds: list, join, deliver updates, validate, post results.</summary>
public static class RoundsApi
{
    public static IEndpointRouteBuilder MapRoundsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Rounds, async (string? status, string? job, SwarmService swarm, CancellationToken ct) =>
        {
            RoundStatus? filter = status is null ? null
                : Enum.TryParse<RoundStatus>(status, ignoreCase: true, out var s) && !int.TryParse(status, out _) ? s
                : throw ApiProblemException.BadRequest($"status must be one of open, training, validating, done; not '{status}'");
            return TypedResults.Ok(await swarm.RoundsAsync(filter, job is null ? null : Ids.Job(job), ct));
        }).WithSummary("Rounds (current attempts), filtered by status and job");
        app.MapGet(Routes.Rounds + "/{id}", async (string id, SwarmService swarm, CancellationToken ct) =>
            TypedResults.Ok(await swarm.RoundAsync(Ids.Round(id), ct) ?? throw ApiProblemException.NotFound($"no round {id}")))
            .WithSummary("One round");
        app.MapGet(Routes.Rounds + "/{id}/updates", async (string id, SwarmService swarm, CancellationToken ct) =>
            TypedResults.Ok(await swarm.RoundUpdatesAsync(Ids.Round(id), ct) ?? throw ApiProblemException.NotFound($"no round {id}")))
            .WithSummary("Updates delivered to the round's current attempt, with their signed receipts");
        app.MapGet(Routes.Rounds + "/{id}/result", async (string id, SwarmService swarm, CancellationToken ct) =>
            TypedResults.Ok(await swarm.RoundResultAsync(Ids.Round(id), ct) ?? throw ApiProblemException.NotFound($"round {id} has no result yet")))
            .WithSummary("The validator's signed result: every verdict, its score and inputs");
        app.MapGet(Routes.Rounds + "/{id}/rewards", async (string id, SwarmService swarm, CancellationToken ct) =>
            TypedResults.Ok(await swarm.RoundRewardsAsync(Ids.Round(id), ct) ?? throw ApiProblemException.NotFound($"round {id} has not been paid (yet)")))
            .WithSummary("The round's reward receipt: each update's pay with its quality weight and inputs, the fees, the ledger transfers");
        var signed = app.MapGroup(Routes.Rounds).AddEndpointFilter(new SignatureFilter());
        signed.MapPost("/{id}/join", async (string id, HttpContext http, SwarmService swarm, CancellationToken ct) =>
            TypedResults.Ok(await swarm.JoinAsync(SignedRequest.From(http).Actor, Ids.Round(id), ct)))
            .WithSummary("Join an open round (nodes)");
        signed.MapPost("/{id}/updates", async (string id, HttpContext http, SwarmService swarm, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            return TypedResults.Accepted(Routes.RoundUpdates(id), await swarm.SubmitUpdateAsync(request.Actor, Ids.Round(id), request.Read<UpdateSubmission>(), ct));
        }).WithSummary("Deliver an update with its signed receipt (nodes)");
        signed.MapPost("/{id}/validation", async (string id, HttpContext http, SwarmService swarm, CancellationToken ct) =>
            TypedResults.Ok(await swarm.TakeValidationAsync(SignedRequest.From(http).Actor, Ids.Round(id), ct)))
            .WithSummary("Take a validating round (validators)");
        signed.MapPost("/{id}/result", async (string id, HttpContext http, SwarmService swarm, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            return TypedResults.Ok(await swarm.SubmitResultAsync(request.Actor, Ids.Round(id), request.Read<RoundResultSubmission>(), ct));
        }).WithSummary("Post a round's signed result (validators)");
        return app;
    }
}
