using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.UseCases;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>Node registration, liveness, listing and assignments.</summary>
public static class NodesApi
{
    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.Nodes, async (HttpContext http, RegisterNode register, CancellationToken ct) =>
        {
            var signed = SignedRequest.From(http);
            return TypedResults.Ok(await register.RegisterAsync(signed.Actor, signed.Read<NodeRegistration>(), ct));
        }).AddEndpointFilter(new SignatureFilter(selfCertifying: true)).WithSummary("Register or update a node (signed by its key)");
        app.MapPost(Routes.Heartbeat, async (HttpContext http, RegisterNode register, CancellationToken ct) =>
        {
            await register.HeartbeatAsync(SignedRequest.From(http).Actor, ct);
            return TypedResults.NoContent();
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("A node says it is alive");
        app.MapGet(Routes.Nodes, async (NodeQuery nodes, CancellationToken ct) => TypedResults.Ok(await nodes.NodesAsync(ct)))
            .WithSummary("All nodes with hardware, benchmark and track record");
        app.MapGet(Routes.Nodes + "/{address}", async Task<Results<Ok<NodeView>, NotFound>> (string address, NodeQuery nodes, CancellationToken ct) =>
            await nodes.NodeAsync(Ids.Address(address), ct) is { } node ? TypedResults.Ok(node) : throw Refuse.NotFound($"no node {address}"))
            .WithSummary("One node");
        app.MapGet(Routes.Nodes + "/{address}/assignments", async (string address, RoundQueries rounds, CancellationToken ct) =>
            TypedResults.Ok(await rounds.AssignmentsAsync(Ids.Address(address), ct)))
            .WithSummary("Rounds the node joined and has not delivered");
        return app;
    }
}
