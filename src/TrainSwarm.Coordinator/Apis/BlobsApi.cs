using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.Telemetry;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;
using TrainSwarm.Storage.Swarm;

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
        }).AddEndpointFilter(new SignatureFilter(blobSized: true)).WithSummary("Store bytes under their SHA-256 (signed; size-limited)");
        app.MapGet(Routes.Blobs + "/{id}", async (string id, BlobStore blobs, SwarmState state, StateCommitter committer, SwarmStore store,
            CoordinatorMetrics metrics, CancellationToken ct) =>
        {
            // A dataset another replica just registered must be known here before its holdout could be served.
            if (store.Shared)
                await committer.RefreshAsync(ct);
            // A holdout is what validators score on: a node that could read it could fit the score, so it is never served here.
            if (state.IsHoldoutBlob(Ids.Blob(id)))
                throw Refuse.Forbidden($"blob {id} is a dataset holdout: only validators receive it, from {Routes.Datasets}/ID/holdout");
            var stream = blobs.OpenRead(Ids.Blob(id)) ?? throw Refuse.NotFound($"no blob {id}");
            metrics.BlobBytes("out", stream.Length);
            return TypedResults.File(stream, "application/octet-stream");
        }).WithSummary("Fetch a blob (never a dataset's holdout)");
        return app;
    }
}
