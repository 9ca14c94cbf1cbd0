using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Client;

/// <summary>One method per coordinator endpoint.</summary>
public sealed partial class SwarmClient
{
    /// <summary>The coordinator's identity and settings.</summary>
    public Task<CoordinatorInfo> InfoAsync(CancellationToken cancellation = default) => GetAsync<CoordinatorInfo>(Routes.Info, cancellation);

    /// <summary>Registers this client's key under <paramref name="role"/> (idempotent).</summary>
    public Task<ActorView> RegisterActorAsync(string role, CancellationToken cancellation = default) =>
        SendSignedAsync<ActorView>(HttpMethod.Post, Routes.Actors, new ActorRegistration(Convert.ToBase64String(RequireKey().PublicKey), role), cancellation);

    /// <summary>Registers (or re-registers) this client's key as a node.</summary>
    public Task<NodeView> RegisterNodeAsync(
        string name, Hardware hardware, Benchmark benchmark, IReadOnlyList<string> datasets, CancellationToken cancellation = default) =>
        SendSignedAsync<NodeView>(HttpMethod.Post, Routes.Nodes,
            new NodeRegistration(Convert.ToBase64String(RequireKey().PublicKey), name, hardware, benchmark, datasets), cancellation);

    /// <summary>Tells the coordinator this node is alive.</summary>
    public async Task HeartbeatAsync(CancellationToken cancellation = default)
    {
        using var response = await SendSignedRawAsync(HttpMethod.Post, Routes.Heartbeat, [], "application/json", cancellation);
        await EnsureSuccessAsync(response, cancellation);
    }

    /// <summary>All nodes.</summary>
    public Task<IReadOnlyList<NodeView>> NodesAsync(CancellationToken cancellation = default) => GetAsync<IReadOnlyList<NodeView>>(Routes.Nodes, cancellation);

    /// <summary>One node.</summary>
    public Task<NodeView> NodeAsync(string address, CancellationToken cancellation = default) => GetAsync<NodeView>(Routes.Node(address), cancellation);

    /// <summary>The rounds a node has joined and not yet delivered (so a restarted node can pick them up).</summary>
    public Task<IReadOnlyList<Assignment>> AssignmentsAsync(string address, CancellationToken cancellation = default) =>
        GetAsync<IReadOnlyList<Assignment>>(Routes.NodeAssignments(address), cancellation);

    /// <summary>Prices a job spec (unsigned: a quote moves no money); the coordinator stores the quote.</summary>
    public async Task<Quote> QuoteAsync(JobSpec spec, CancellationToken cancellation = default)
    {
        using var content = new ByteArrayContent(SwarmJson.SerializeToUtf8(spec));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(new Uri(BaseAddress, Routes.JobQuote), content, cancellation);
        return await ReadAsync<Quote>(response, cancellation);
    }

    /// <summary>A quote issued earlier.</summary>
    public Task<Quote> GetQuoteAsync(string id, CancellationToken cancellation = default) => GetAsync<Quote>(Routes.Quote(id), cancellation);

    /// <summary>A day: the deadline a job gets when its creator names none.</summary>
    public const int DefaultDeadlineSeconds = 86_400;

    /// <summary>Quotes <paramref name="spec"/>, then submits it escrowing <paramref name="budget"/> (default: the quote's total).</summary>
    public async Task<JobView> SubmitJobAsync(
        JobSpec spec, long? budget = null, int deadlineSeconds = DefaultDeadlineSeconds, CancellationToken cancellation = default)
    {
        var quote = await QuoteAsync(spec, cancellation);
        return await SubmitJobAsync(spec, quote, budget ?? quote.Total, deadlineSeconds, false, cancellation);
    }

    /// <summary>All jobs, newest first.</summary>
    public Task<IReadOnlyList<JobView>> JobsAsync(CancellationToken cancellation = default) => GetAsync<IReadOnlyList<JobView>>(Routes.Jobs, cancellation);

    /// <summary>One job.</summary>
    public Task<JobView> JobAsync(string id, CancellationToken cancellation = default) => GetAsync<JobView>(Routes.Job(id), cancellation);

    /// <summary>A job's rounds (every attempt), oldest first.</summary>
    public Task<IReadOnlyList<RoundView>> JobRoundsAsync(string id, CancellationToken cancellation = default) =>
        GetAsync<IReadOnlyList<RoundView>>(Routes.JobRounds(id), cancellation);

    /// <summary>A job's current (or final) global model as safetensors bytes.</summary>
    public Task<byte[]> DownloadModelAsync(string jobId, CancellationToken cancellation = default) => GetBytesAsync(Routes.JobModel(jobId), cancellation);

    /// <summary>A few seeded completions by an lm job's current model (400 for another kind).</summary>
    public Task<IReadOnlyList<TextCompletion>> CompletionsAsync(string jobId, CancellationToken cancellation = default) =>
        GetAsync<IReadOnlyList<TextCompletion>>(Routes.JobCompletions(jobId), cancellation);

    /// <summary>Cancels a job (creator only).</summary>
    public Task<JobView> CancelJobAsync(string id, CancellationToken cancellation = default) =>
        SendSignedAsync<JobView>(HttpMethod.Post, Routes.JobCancel(id), new { }, cancellation);

    /// <summary>Rounds, optionally filtered by status and job.</summary>
    public Task<IReadOnlyList<RoundView>> RoundsAsync(RoundStatus? status = null, string? jobId = null, CancellationToken cancellation = default)
    {
        var query = new List<string>();
        if (status is { } s)
            query.Add("status=" + s.ToString().ToLowerInvariant());
        if (jobId is not null)
            query.Add("job=" + Uri.EscapeDataString(jobId));
        return GetAsync<IReadOnlyList<RoundView>>(Routes.Rounds + (query.Count > 0 ? "?" + string.Join('&', query) : ""), cancellation);
    }

    /// <summary>One round (its current attempt).</summary>
    public Task<RoundView> RoundAsync(string id, CancellationToken cancellation = default) => GetAsync<RoundView>(Routes.Round(id), cancellation);

    /// <summary>Joins an open round; returns this node's assignment.</summary>
    public Task<Assignment> JoinAsync(string roundId, CancellationToken cancellation = default) =>
        SendSignedAsync<Assignment>(HttpMethod.Post, Routes.RoundJoin(roundId), new { }, cancellation);

    /// <summary>Submits an update whose delta is already uploaded.</summary>
    public Task<UpdateAck> SubmitUpdateAsync(string roundId, UpdateSubmission submission, CancellationToken cancellation = default) =>
        SendSignedAsync<UpdateAck>(HttpMethod.Post, Routes.RoundUpdates(roundId), submission, cancellation);

    /// <summary>Takes a validating round (validators only); 409 when another validator holds it.</summary>
    public Task<ValidationTask> TakeValidationAsync(string roundId, CancellationToken cancellation = default) =>
        SendSignedAsync<ValidationTask>(HttpMethod.Post, Routes.RoundValidation(roundId), new { }, cancellation);

    /// <summary>Posts a round's signed result (validators only).</summary>
    public Task<RoundView> SubmitResultAsync(string roundId, RoundResultSubmission submission, CancellationToken cancellation = default) =>
        SendSignedAsync<RoundView>(HttpMethod.Post, Routes.RoundResult(roundId), submission, cancellation);

    /// <summary>Uploads bytes as a blob (their SHA-256 is the id); returns the id.</summary>
    public async Task<string> PutBlobAsync(byte[] bytes, CancellationToken cancellation = default)
    {
        var id = BlobId.Of(bytes);
        using var response = await SendSignedRawAsync(HttpMethod.Put, Routes.Blob(id), bytes, "application/octet-stream", cancellation);
        await EnsureSuccessAsync(response, cancellation);
        return id;
    }

    /// <summary>Downloads a blob and checks that its bytes hash to its id.</summary>
    public async Task<byte[]> GetBlobAsync(string id, CancellationToken cancellation = default)
    {
        if (!BlobId.IsValid(id))
            throw new ArgumentException($"'{id}' is not a blob id", nameof(id));
        var bytes = await GetBytesAsync(Routes.Blob(id), cancellation);
        if (BlobId.Of(bytes) != id)
            throw new InvalidDataException($"blob {id} arrived corrupted (its bytes hash to {BlobId.Of(bytes)})");
        return bytes;
    }
}
