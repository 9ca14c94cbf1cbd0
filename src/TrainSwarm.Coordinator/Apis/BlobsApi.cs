using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>The content-addressed blob store over HTTP.</summary>
public static class BlobsApi
{
    public static IEndpointRouteBuilder MapBlobsApi(this IEndpointRouteBuilder app)
    {
        app.MapPut(Routes.Blobs + "/{id}", async (string id, HttpContext http, SwarmService swarm, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            try
            {
                await swarm.Blobs.PutAsync(Ids.Blob(id), request.Body, ct);
            }
            catch (BlobMismatchException e)
            {
                throw ApiProblemException.BadRequest($"blob {id} refused: {e.Message}");
            }
            return TypedResults.Created(Routes.Blob(id), new BlobInfo(id, request.Body.Length));
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("Store bytes under their SHA-256 (signed; size-limited)");
        app.MapGet(Routes.Blobs + "/{id}", (string id, SwarmService swarm) =>
            TypedResults.File(swarm.Blobs.OpenRead(Ids.Blob(id)) ?? throw ApiProblemException.NotFound($"no blob {id}"), "application/octet-stream"))
            .WithSummary("Fetch a blob");
        return app;
    }
}
