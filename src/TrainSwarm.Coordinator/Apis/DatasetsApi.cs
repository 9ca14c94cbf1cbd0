using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.UseCases;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>Uploaded datasets: chunked upload, list, show, delete, and the holdout for validators only.</summary>
public static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.DatasetUploads, (HttpContext http, DatasetUploads uploads) =>
        {
            var signed = SignedRequest.From(http);
            return TypedResults.Ok(uploads.Start(signed.Actor, signed.Read<DatasetUploadStart>()));
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("Start or resume a chunked dataset upload (size, SHA-256, format)");
        app.MapGet(Routes.DatasetUploads + "/{id}", (string id, HttpContext http, DatasetUploads uploads) =>
            TypedResults.Ok(uploads.Status(SignedRequest.From(http).Actor, id)))
            .AddEndpointFilter(new SignatureFilter()).WithSummary("How many bytes of an upload arrived (its creator only)");
        app.MapPut(Routes.DatasetUploads + "/{id}", (string id, long offset, HttpContext http, DatasetUploads uploads) =>
        {
            var signed = SignedRequest.From(http);
            return TypedResults.Ok(uploads.Append(signed.Actor, id, offset, signed.Body));
        }).AddEndpointFilter(new SignatureFilter(blobSized: true)).WithSummary("Append a chunk at ?offset= (the bytes received so far)");
        app.MapPost(Routes.DatasetUploads + "/{id}/complete", async Task<IResult> (string id, HttpContext http, CreateDataset create,
            DatasetQueries datasets, CancellationToken ct) =>
        {
            var (manifest, created) = await create.CompleteAsync(SignedRequest.From(http).Actor, id, ct);
            var view = await datasets.GetAsync(manifest.Id, ct);
            return created ? TypedResults.Created(Routes.Dataset(manifest.Id), view) : TypedResults.Ok(view);
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("Check the digest, validate, split into holdout and shards, and store the dataset");
        app.MapGet(Routes.Datasets, async (string? owner, DatasetQueries datasets, CancellationToken ct) =>
            TypedResults.Ok(await datasets.ListAsync(owner is null ? null : Ids.Address(owner), ct)))
            .WithSummary("Uploaded datasets (of ?owner= when given), newest first");
        app.MapGet(Routes.Datasets + "/{id}", async (string id, DatasetQueries datasets, CancellationToken ct) =>
            TypedResults.Ok(await datasets.GetAsync(Ids.Dataset(id), ct) ?? throw Refuse.NotFound($"no dataset {id}")))
            .WithSummary("One dataset's manifest: format, shape, classes, count, the SHA-256 of every shard");
        app.MapDelete(Routes.Datasets + "/{id}", async (string id, HttpContext http, DeleteDataset delete, DatasetQueries datasets, CancellationToken ct) =>
        {
            var deleted = await delete.DeleteAsync(SignedRequest.From(http).Actor, Ids.Dataset(id), ct);
            return TypedResults.Ok(await datasets.GetAsync(deleted.Manifest.Id, ct));
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("Delete a dataset (its owner; refused while a running job uses it)");
        app.MapGet(Routes.Datasets + "/{id}/holdout", async (string id, HttpContext http, Permissions permissions, DatasetQueries datasets,
            BlobStore blobs, CancellationToken ct) =>
        {
            permissions.RequireValidator(SignedRequest.From(http).Actor);
            var view = await datasets.GetAsync(Ids.Dataset(id), ct) ?? throw Refuse.NotFound($"no dataset {id}");
            if (view.Status == "deleted")
                throw Refuse.NotFound($"dataset {id} was deleted by its owner");
            var stream = blobs.OpenRead(view.Manifest.Holdout.Blob) ?? throw Refuse.NotFound($"the holdout blob of {id} is missing");
            return TypedResults.File(stream, "application/octet-stream");
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("A dataset's holdout (signed by an allowed validator; nobody else receives it)");
        return app;
    }
}
