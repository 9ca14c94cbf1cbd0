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

/// <summary>Route id checks: a malformed id is a 400 before anything looks it up.</summary>
internal static class Ids
{
    public static string Address(string value) =>
        Protocol.Identity.Address.IsWellFormed(value) ? value : throw Refuse.Invalid($"'{value}' is not an address (ts1 + 40 hex characters)");

    public static string Job(string value) =>
        value.Length == 13 && value[0] == 'j' && value.AsSpan(1).ContainsAnyExcept("0123456789abcdef") == false
            ? value : throw Refuse.Invalid($"'{value}' is not a job id");

    public static string Quote(string value) =>
        value.Length == 13 && value[0] == 'q' && value.AsSpan(1).ContainsAnyExcept("0123456789abcdef") == false
            ? value : throw Refuse.Invalid($"'{value}' is not a quote id");

    public static string Round(string value)
    {
        var dash = value.IndexOf("-r", StringComparison.Ordinal);
        return dash == 13 && Job(value[..13]) is not null && value.Length > 15 && value.Length <= 21
            && value.AsSpan(15).ContainsAnyExcept("0123456789") == false
            ? value : throw Refuse.Invalid($"'{value}' is not a round id");
    }

    public static string Blob(string value) =>
        Protocol.Blobs.BlobId.IsValid(value) ? value : throw Refuse.Invalid($"'{value}' is not a blob id (64 lowercase hex characters)");
}
