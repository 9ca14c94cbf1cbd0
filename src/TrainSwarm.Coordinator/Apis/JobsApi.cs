using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.Auth;
using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.UseCases;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>Jobs: quote, submit, list, inspect, download the model, cancel.</summary>
public static class JobsApi
{
    // A spec is a few hundred bytes; an unsigned endpoint takes no more than this.
    private const long MaxSpecBytes = 64 << 10;

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.Jobs, async (HttpContext http, SubmitJob submit, CancellationToken ct) =>
        {
            var signed = SignedRequest.From(http);
            var job = (await submit.SubmitAsync(signed.Actor, signed.Read<JobSubmission>(), ct)).ToView();
            return TypedResults.Created(Routes.Job(job.Id), job);
        }).AddEndpointFilter(new SignatureFilter()).WithSummary("Submit a job with its quote and the creator's signed escrow of the budget");
        // Unsigned: a quote moves no money. The body is read by hand so a malformed one is the same 400 as on submit.
        app.MapPost(Routes.JobQuote, async (HttpContext http, QuoteJob quotes, CancellationToken ct) =>
        {
            var body = await SignatureFilter.ReadBodyAsync(http.Request, MaxSpecBytes, ct);
            var quote = await quotes.QuoteAsync(SignedRequest.Parse<JobSpec>(body), ct);
            return TypedResults.Created(Routes.Quote(quote.Id), quote);
        }).WithSummary("Price a job spec: compute, fees, expected duration; valid for a stated time");
        app.MapGet(Routes.Quotes + "/{id}", async (string id, JobQueries jobs, CancellationToken ct) =>
            TypedResults.Ok(await jobs.QuoteAsync(Ids.Quote(id), ct) ?? throw Refuse.NotFound($"no quote {id}")))
            .WithSummary("One quote");
        app.MapGet(Routes.Jobs, async (JobQueries jobs, CancellationToken ct) => TypedResults.Ok(await jobs.JobsAsync(ct)))
            .WithSummary("All jobs, newest first");
        app.MapGet(Routes.Jobs + "/{id}", async (string id, JobQueries jobs, CancellationToken ct) =>
            TypedResults.Ok(await jobs.JobAsync(Ids.Job(id), ct) ?? throw Refuse.NotFound($"no job {id}")))
            .WithSummary("One job");
        app.MapGet(Routes.Jobs + "/{id}/rounds", async (string id, JobQueries jobs, CancellationToken ct) =>
            TypedResults.Ok(await jobs.JobRoundsAsync(Ids.Job(id), ct) ?? throw Refuse.NotFound($"no job {id}")))
            .WithSummary("Every attempt of every round of a job");
        app.MapGet(Routes.Jobs + "/{id}/model", async (string id, JobQueries jobs, BlobStore blobs, CancellationToken ct) =>
        {
            var job = await jobs.JobAsync(Ids.Job(id), ct) ?? throw Refuse.NotFound($"no job {id}");
            var stream = blobs.OpenRead(job.ModelBlob) ?? throw Refuse.NotFound($"the model blob {job.ModelBlob} is missing");
            return TypedResults.File(stream, "application/octet-stream", $"{job.Id}-round{job.RoundsDone}.safetensors");
        }).WithSummary("The job's current (or final) global model, as safetensors");
        app.MapGet(Routes.Jobs + "/{id}/completions", async (string id, JobQueries jobs, BlobStore blobs, ITextCompletions completions,
            CancellationToken ct) =>
        {
            var job = await jobs.JobAsync(Ids.Job(id), ct) ?? throw Refuse.NotFound($"no job {id}");
            if (!job.Spec.IsLm)
                throw Refuse.Invalid($"job {job.Id} is not a language-model (lm) job; only those write text");
            using var stream = blobs.OpenRead(job.ModelBlob) ?? throw Refuse.NotFound($"the model blob {job.ModelBlob} is missing");
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes, ct);
            return TypedResults.Ok(completions.Complete(job.Spec, job.ModelBlob, bytes.ToArray()));
        }).WithSummary("A few seeded sampled completions of fixed prompts by an lm job's current model");
        app.MapGet(Routes.Jobs + "/{id}/invoice", async (string id, InvoiceQuery invoices, CancellationToken ct) =>
            TypedResults.Ok(await invoices.InvoiceAsync(Ids.Job(id), ct) ?? throw Refuse.NotFound($"no job {id} with billing")))
            .WithSummary("The job's itemized invoice: quote, reservation, each round's payouts and fees, refund, with ledger entries");
        app.MapPost(Routes.Jobs + "/{id}/cancel", async (string id, HttpContext http, CancelJob cancel, CancellationToken ct) =>
            TypedResults.Ok((await cancel.CancelAsync(SignedRequest.From(http).Actor, Ids.Job(id), ct)).ToView()))
            .AddEndpointFilter(new SignatureFilter()).WithSummary("Cancel a running job (creator only)");
        return app;
    }
}
