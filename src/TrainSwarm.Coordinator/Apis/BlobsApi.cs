using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.Telemetry;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>The content-addressed blob store over HTTP.</summary>
public static class BlobsApi
{
    public static IEndpointRouteBuilder MapBlobsApi(this IEndpointRouteBuilder app)
    {
        app.MapPut(Routes.Blobs + "/{id}", async (string id, HttpContext http, BlobStore blobs, CoordinatorMetrics metrics, CancellationToken ct) =>
        {
            var request = SignedRequest.From(http);
            try
            {
                await blobs.PutAsync(Ids.Blob(id), request.Body, ct);
            }
            catch (BlobMismatchException e)
            {
                throw Refuse.Invalid($"blob {id} refused: {e.Message}");
            }
            metrics.BlobBytes("in", request.Body.Length);
            return TypedResults.Created(Routes.Blob(id), new BlobInfo(id, request.Body.Length));
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("Store bytes under their SHA-256 (signed; size-limited)");
        app.MapGet(Routes.Blobs + "/{id}", (string id, BlobStore blobs, CoordinatorMetrics metrics) =>
        {
            var stream = blobs.OpenRead(Ids.Blob(id)) ?? throw Refuse.NotFound($"no blob {id}");
            metrics.BlobBytes("out", stream.Length);
            return TypedResults.File(stream, "application/octet-stream");
        }).WithSummary("Fetch a blob");
        return app;
    }
}
