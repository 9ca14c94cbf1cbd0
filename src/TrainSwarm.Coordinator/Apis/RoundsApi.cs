using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.UseCases;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>Rounds: list, join, deliver updates, validate, post results.</summary>
public static class RoundsApi
{
    public static IEndpointRouteBuilder MapRoundsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Rounds, async (string? status, string? job, RoundQueries rounds, CancellationToken ct) =>
        {
            RoundStatus? filter = status is null ? null
                : Enum.TryParse<RoundStatus>(status, ignoreCase: true, out var s) && !int.TryParse(status, out _) ? s
                : throw Refuse.Invalid($"status must be one of open, training, validating, done; not '{status}'");
            return TypedResults.Ok(await rounds.RoundsAsync(filter, job is null ? null : Ids.Job(job), ct));
        }).WithSummary("Rounds (current attempts), filtered by status and job");
        app.MapGet(Routes.Rounds + "/{id}", async (string id, RoundQueries rounds, CancellationToken ct) =>
            TypedResults.Ok(await rounds.RoundAsync(Ids.Round(id), ct) ?? throw Refuse.NotFound($"no round {id}")))
            .WithSummary("One round");
        app.MapGet(Routes.Rounds + "/{id}/updates", async (string id, RoundQueries rounds, CancellationToken ct) =>
            TypedResults.Ok(await rounds.UpdatesAsync(Ids.Round(id), ct) ?? throw Refuse.NotFound($"no round {id}")))
            .WithSummary("Updates delivered to the round's current attempt, with their signed receipts");
        app.MapGet(Routes.Rounds + "/{id}/result", async (string id, RoundQueries rounds, CancellationToken ct) =>
            TypedResults.Ok(await rounds.ResultAsync(Ids.Round(id), ct) ?? throw Refuse.NotFound($"round {id} has no result yet")))
            .WithSummary("The validator's signed result: every verdict, its score and inputs");
        app.MapGet(Routes.Rounds + "/{id}/rewards", async (string id, InvoiceQuery invoices, CancellationToken ct) =>
            TypedResults.Ok(await invoices.RoundRewardsAsync(Ids.Round(id), ct) ?? throw Refuse.NotFound($"round {id} has not been paid (yet)")))
            .WithSummary("The round's reward receipt: each update's pay with its quality weight and inputs, the fees, the ledger transfers");
        app.MapGet(Routes.Rounds + "/{id}/state-requests", async (string id, string? node, RoundStates states, CancellationToken ct) =>
            TypedResults.Ok(await states.ListAsync(Ids.Round(id), node is null ? null : Ids.Address(node), ct)))
            .WithSummary("Validators' requests for nodes' training states in the round's current attempt, with each one's deadline and status");
        var signed = app.MapGroup(Routes.Rounds).AddEndpointFilter(new SignatureFilter());
        signed.MapPost("/{id}/state-requests", async (string id, HttpContext http, RoundStates states, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            return TypedResults.Ok(await states.RequestAsync(request.Actor, Ids.Round(id), request.Read<StateRequestBatch>(), ct));
        }).WithSummary("Request training states a receipt commits to, for replay (validators holding the round)");
        signed.MapPost("/{id}/state-requests/answer", async (string id, HttpContext http, RoundStates states, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            return TypedResults.Ok(await states.AnswerAsync(request.Actor, Ids.Round(id), request.Read<StateAnswer>(), ct));
        }).WithSummary("Answer state requests after uploading the states (nodes; refused after the window)");
        signed.MapPost("/{id}/join", async (string id, HttpContext http, JoinRound join, CancellationToken ct) =>
            TypedResults.Ok(await join.JoinAsync(SignedRequest.From(http).Actor, Ids.Round(id), ct)))
            .WithSummary("Join an open round (nodes)");
        signed.MapPost("/{id}/updates", async (string id, HttpContext http, AcceptUpdate updates, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            var ack = await updates.SubmitAsync(request.Actor, Ids.Round(id), request.Read<UpdateSubmission>(), ct);
            return TypedResults.Accepted(Routes.RoundUpdates(id), ack);
        }).WithSummary("Deliver an update with its signed receipt (nodes)");
        signed.MapPost("/{id}/validation", async (string id, HttpContext http, TakeValidation validation, CancellationToken ct) =>
            TypedResults.Ok(await validation.TakeAsync(SignedRequest.From(http).Actor, Ids.Round(id), ct)))
            .WithSummary("Take a validating round (validators)");
        signed.MapPost("/{id}/result", async (string id, HttpContext http, AcceptResult results, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            var round = await results.SubmitAsync(request.Actor, Ids.Round(id), request.Read<RoundResultSubmission>(), ct);
            return TypedResults.Ok(round.ToView());
        }).WithSummary("Post a round's signed result (validators)");
        return app;
    }
}
