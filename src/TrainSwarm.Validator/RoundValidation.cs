using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Validates one taken round end to end: fetches the base model, the receipts' keys and the updates, scores and
/// aggregates them (<see cref="UpdateScorer"/>, <see cref="RoundAggregation"/>), uploads the new model and strategy
/// state, and posts the signed result.
/// </summary>
internal sealed class RoundValidation(SwarmClient client, ActorKey key, ValidatorDatasets datasets, ValidatorRetry retry, IValidatorObserver observer)
{
    // The new model's holdout score, kept because the next round starts from that model: reusing it saves one
    // holdout evaluation per round on the critical path.
    private (string Model, (double, int?, ulong, int?) Split, EvalResult Holdout)? _lastScored;

    // A job's shards are the same every round: gathered once, replayed on many times.
    // Room for every slot of the widest job (256 nodes): an uploaded dataset's shards are preloaded, one per slot.
    private readonly ShardCache _shards = new(capacity: 264);

    /// <summary>The GPU trainer this validator replays GPU-trained image rounds with, one for the process (null: the CPU engine only).</summary>
    internal Daemons.Devices.GpuRoundTrainer? GpuReplays { get; init; }

    /// <summary>Runs the round and returns the result the coordinator accepted.</summary>
    public async Task<RoundResult> RunAsync(ValidationTask task, CancellationToken cancellation)
    {
        if (task.Spec.IsRl)
            return await new RlRoundValidation(observer, this).RunAsync(task, cancellation);
        if (task.Spec.IsLm)
            return await new LmRoundValidation(this).RunAsync(task, cancellation);
        if (task.Spec.IsGrpo)
            return await new GrpoRoundValidation(observer, this).RunAsync(task, cancellation);
        var (round, spec) = (task.Round, task.Spec);
        var phases = new PhaseClock();
        // An upload has no test split of its own: its holdout stands in, so the "test" metrics repeat the holdout's.
        Learning.Data.LabeledImages train, test, holdoutData;
        Dictionary<int, IReadOnlyList<string>>? slotBlobs = null;
        if (DatasetIds.IsValid(spec.Dataset))
        {
            (holdoutData, slotBlobs) = await retry.RunAsync("fetching the uploaded dataset's holdout and shards",
                c => datasets.UploadedAsync(spec, round, _shards, c), cancellation);
            (train, test) = (holdoutData, holdoutData);
        }
        else
        {
            (train, test) = await datasets.GetAsync(spec.Dataset, cancellation);
            holdoutData = datasets.Holdout(spec, train);
        }
        var baseBytes = await BaseModelAsync(task, cancellation);
        var split = SplitOf(spec);
        // Scored while the round trained (PrescoreAsync): the same scorer on the same base and holdout, and each early update's score.
        var early = Early.Find(round);
        var scorer = early?.Scorer is { } ready && early.Split == split ? ready : UpdateScorer.Create(spec, baseBytes, holdoutData, KnownBase(round, split));

        phases.Mark(early?.Scorer == scorer ? "data and base model (scored early)" : "data, base model and its holdout score");
        var candidates = await FetchAsync(task, cancellation);
        if (slotBlobs is not null)
            candidates = candidates.Select(c => ShardNamed(c, round, slotBlobs)).ToList();
        var previous = await PreviousDeltasAsync(task, scorer.BaseWeights, cancellation);
        phases.Mark("downloads");
        var check = new ReplayCheck(spec, baseBytes, train, _shards);
        var gpuCheck = GpuReplay.Check(GpuReplays, spec, baseBytes, train, _shards);
        var scores = scorer.Score(candidates, cancellation, previous, early?.Evaluations);
        phases.Mark($"scoring ({candidates.Count(c => early?.Evaluations.ContainsKey(c.Receipt.UpdateBlob) == true)} of {candidates.Count} scored early)");
        var scored = await ReplayAsync(task, check, candidates, scores, cancellation, gpuCheck);
        phases.Mark("replays");
        var posted = await AggregateAndPostAsync(task, scorer.BaseWeights, scored, scorer.Model, (accepted, newWeights, newModel) =>
        {
            // With nothing accepted the base stays the global model, and the coordinator retries the round.
            var holdout = accepted ? scorer.Evaluate(newWeights) : scorer.Base;
            _lastScored = (newModel, split, holdout);
            var onTest = scorer.Evaluate(newWeights, test);
            return new RoundMetrics(
                scorer.Base.Loss, scorer.Base.Accuracy, holdout.Loss, holdout.Accuracy, scorer.HoldoutSamples,
                onTest.Loss, onTest.Accuracy, onTest.Samples);
        }, cancellation);
        phases.Mark("aggregation, the new model's holdout and test scores, upload and posting");
        observer.Info($"round {round.Id}: {phases}");
        return posted;
    }

    /// <summary>Wakes the wait for requested training states when a node answers (null: polling alone).</summary>
    internal Daemons.EventWakeup? Answers { get; set; }

    /// <summary>Early work (<see cref="EarlyScoring"/>) on rounds still training; validation reuses it.</summary>
    internal EarlyScoring Early { get; } = new();

    private static (double, int?, ulong, int?) SplitOf(JobSpec spec) => (spec.HoldoutFraction, spec.TrainSamples, spec.Seed, spec.FirstSamples);

    // The base's holdout score when the previous round's new model is this round's base on the same split (evaluation is deterministic).
    private EvalResult? KnownBase(RoundView round, (double, int?, ulong, int?) split) =>
        _lastScored is { } last && last.Model == round.BaseModel && last.Split == split ? last.Holdout : null;

    /// <summary>
    /// The work on a training round's delivered updates that needs no audit secret, done while the other nodes still train: each new
    /// update's node key, bytes and final training state are downloaded, and an image round's update (catalogue dataset) is scored on the
    /// holdout against the base. The verdict is still written at validation, from the same inputs (<see cref="EarlyRound"/>).
    /// </summary>
    internal async Task PrescoreAsync(RoundView round, JobSpec spec, CancellationToken cancellation)
    {
        var early = Early.For(round);
        var updates = await retry.RunAsync($"listing round {round.Id}'s updates", c => client.RoundUpdatesAsync(round.Id, c), cancellation);
        var fresh = updates.Where(u => u.Receipt.Attempt == round.Attempt && !early.Seen.Contains(u.Receipt.UpdateBlob)).ToList();
        if (fresh.Count == 0)
            return;
        if (early.Scorer is null && spec is { IsRl: false, IsLm: false, IsGrpo: false } && !DatasetIds.IsValid(spec.Dataset))
        {
            var (train, _) = await datasets.GetAsync(spec.Dataset, cancellation);
            var baseBytes = await retry.RunAsync("downloading the base model", c => client.GetBlobAsync(round.BaseModel, c), cancellation);
            early.Split = SplitOf(spec);
            early.Scorer = UpdateScorer.Create(spec, baseBytes, datasets.Holdout(spec, train), KnownBase(round, early.Split));
        }
        foreach (var submission in fresh)
        {
            var receipt = submission.Receipt;
            early.Seen.Add(receipt.UpdateBlob);
            if (!early.Keys.TryGetValue(receipt.Node, out var publicKey) && await NodeKeyAsync(receipt.Node, cancellation) is { } found)
                early.Keys[receipt.Node] = publicKey = found;
            if (ReceiptChecks.Check(submission, round, publicKey) is not null)
                continue;
            if ((await UpdateBytesAsync(receipt.UpdateBlob, cancellation)).Bytes is not { } bytes)
                continue;
            early.Blobs[receipt.UpdateBlob] = bytes;
            // The final state comes with the update; every kind's chain-end check reads it.
            if (receipt.Commitments.Count > 0 && receipt.Commitments[^1].State is { } last && Protocol.Blobs.BlobId.IsValid(last)
                && (await UpdateBytesAsync(last, cancellation)).Bytes is { } state)
                early.Blobs[last] = state;
            if (early.Scorer is not { } scorer || CandidateChecks.Decode(new CandidateUpdate(receipt, bytes, null), scorer.BaseWeights).Delta is not { } delta)
                continue;
            var weights = WeightSet.Clone(scorer.BaseWeights);
            WeightSet.AddScaled(weights, delta, 1f);
            var score = early.Evaluations[receipt.UpdateBlob] = scorer.Evaluate(weights);
            observer.Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"round {round.Id}: scored node {receipt.Node}'s update {receipt.UpdateBlob} early ({updates.Count} of {round.Participants.Count} "
                + $"updates in): holdout loss {score.Loss:R}, accuracy {score.Accuracy:R}"));
        }
    }

    /// <summary>An lm job's uploaded text corpus: its held-out tokens and each joined slot's tokens and shard blobs, with retries.</summary>
    internal Task<(int[] HeldOut, Dictionary<int, int[]> SlotTokens, Dictionary<int, IReadOnlyList<string>> SlotBlobs)> UploadedTextAsync(
        string datasetId, RoundView round, CancellationToken cancellation) =>
        retry.RunAsync("fetching the uploaded corpus's holdout and shards", c => datasets.UploadedTextAsync(datasetId, round, c), cancellation);

    /// <summary>
    /// What every job kind does with its scored updates: aggregates them with the job's strategy (and last round's strategy
    /// state), reports each verdict, uploads the new model and state, measures it with <paramref name="metrics"/> (whether
    /// anything was accepted, the new weights, the new model's blob id) and posts the signed result.
    /// </summary>
    internal async Task<RoundResult> AggregateAndPostAsync(ValidationTask task, IReadOnlyList<WeightTensor> baseWeights,
        IReadOnlyList<ScoredUpdate> scored, TrainSwarm.Nn.Module model, Func<bool, IReadOnlyList<WeightTensor>, string, RoundMetrics> metrics,
        CancellationToken cancellation)
    {
        var (round, spec) = (task.Round, task.Spec);
        var state = await LoadStateAsync(task, baseWeights, cancellation);
        var aggregated = RoundAggregation.Run(
            Strategies.Create(spec.Strategy, spec), baseWeights, scored, task.Failures, state, Strategies.OuterOf(spec));
        foreach (var verdict in aggregated.Verdicts)
            observer.UpdateScored(round.Id, verdict);
        // Blob ids are the hashes of the bytes, so the new model's id is known before its upload finishes: the model is measured (CPU) while
        // the coordinator stores it (network and disk) instead of after. Publish has written the bytes before it first awaits, so the
        // measurement may load the same weights into the model meanwhile.
        var (newModel, stateBlob, uploads) = Publish(task, aggregated.Outcome, model, cancellation);
        var measured = metrics(aggregated.Outcome is not null, aggregated.Outcome?.Weights ?? baseWeights, newModel);
        await uploads;
        var result = new RoundResult(
            round.Id, round.Attempt, key.Address, round.BaseModel, newModel, spec.Strategy, stateBlob, aggregated.Verdicts, measured);
        var submission = new RoundResultSubmission(result, DocumentSignature.Sign(key, result));
        await retry.RunAsync("posting the round result", c => client.SubmitResultAsync(round.Id, submission, c), cancellation);
        return result;
    }

    /// <summary>The round's base model (safetensors bytes), downloaded through passing failures.</summary>
    internal Task<byte[]> BaseModelAsync(ValidationTask task, CancellationToken cancellation) =>
        retry.RunAsync("downloading the base model", c => client.GetBlobAsync(task.Round.BaseModel, c), cancellation);

    /// <summary>The previous round's accepted deltas and global step, which this round's updates must not replay.</summary>
    internal Task<IReadOnlyList<PreviousDelta>> PreviousDeltasAsync(
        ValidationTask task, IReadOnlyList<WeightTensor> baseWeights, CancellationToken cancellation) =>
        new PreviousRoundDeltas(client, retry, observer).FetchAsync(task, baseWeights, cancellation);

    /// <summary>Checks each receipt and downloads its update; what fails here is rejected with the reason, not retried.</summary>
    internal async Task<List<CandidateUpdate>> FetchAsync(ValidationTask task, CancellationToken cancellation)
    {
        var keys = new Dictionary<string, string?>(StringComparer.Ordinal);
        var nodesSeen = new HashSet<string>(StringComparer.Ordinal);
        var blobsSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        var candidates = new CandidateUpdate[task.Updates.Count];
        var early = Early.Find(task.Round);
        // When the coordinator received each update decides which of two near-identical ones keeps its pay.
        var receivedAt = task.Round.Participants.Where(p => p.SubmittedAt is not null)
            .GroupBy(p => p.Node, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(p => p.SubmittedAt), StringComparer.Ordinal);
        // The same goes for an identical blob: it belongs to whoever delivered it first. The task lists updates in join
        // order, which a copier chooses by joining early, so it must not decide; the coordinator's receipt time does
        // (a copier learns a blob's id only once its owner delivered it).
        foreach (var i in ReceivedOrder(task.Updates, receivedAt))
        {
            var submission = task.Updates[i];
            var receipt = submission.Receipt;
            if (!keys.TryGetValue(receipt.Node, out var publicKey))
                keys[receipt.Node] = publicKey = early?.Keys.GetValueOrDefault(receipt.Node) ?? await NodeKeyAsync(receipt.Node, cancellation);
            var reason = ReceiptChecks.Check(submission, task.Round, publicKey);
            // One update per node, and nobody is paid for a copy of someone else's update.
            if (reason is null && !nodesSeen.Add(receipt.Node))
                reason = $"a second update from node {receipt.Node} in this round";
            if (reason is null && blobsSeen.TryGetValue(receipt.UpdateBlob, out var first))
                reason = $"the same update blob as node {first}'s, which the coordinator received earlier";
            byte[]? bytes = null;
            if (reason is null)
            {
                blobsSeen[receipt.UpdateBlob] = receipt.Node;
                (bytes, reason) = await UpdateBytesAsync(receipt.UpdateBlob, cancellation);
            }
            candidates[i] = new CandidateUpdate(receipt, bytes, reason, receivedAt.GetValueOrDefault(receipt.Node));
        }
        return [.. candidates];
    }

    /// <summary>
    /// The indices of <paramref name="updates"/> in the order the coordinator received them (by its own clock, never a
    /// time the node states); unknown times last, ties in the task's order.
    /// </summary>
    internal static IReadOnlyList<int> ReceivedOrder(IReadOnlyList<UpdateSubmission> updates, IReadOnlyDictionary<string, DateTimeOffset?> receivedAt) =>
        Enumerable.Range(0, updates.Count)
            .OrderBy(i => receivedAt.GetValueOrDefault(updates[i].Receipt.Node) ?? DateTimeOffset.MaxValue).ThenBy(i => i).ToList();

    /// <summary>
    /// Replays the picked segments of every update that arrived (<see cref="ReplayCheck"/>) and folds the outcome into
    /// its verdict: a failed replay rejects the update (and, when it proves fraud, marks it for the slash).
    /// </summary>
    internal async Task<IReadOnlyList<ScoredUpdate>> ReplayAsync(
        ValidationTask task, ReplayCheck check, List<CandidateUpdate> candidates, IReadOnlyList<ScoredUpdate> scored, CancellationToken cancellation,
        ReplayCheck? gpuCheck = null)
    {
        var devices = new ReplayDevices(ReplayDevices.Here.Cpu, gpuCheck is null ? null : GpuReplays?.Gpu.Kind);
        var round = task.Round;
        // Without a secret that opens the round's commitment the picks could be known in advance; the static and
        // chain-end checks need no randomness and still run.
        var secret = ReplayPicks.Opens(task.AuditSecret, round.AuditCommitment) ? task.AuditSecret : null;
        if (secret is null)
            observer.Error($"round {round.Id}: the audit secret does not open the round's commitment; no segments replayed", null);
        // First every update's picks, then one batch of state requests for all of them, so the nodes answer in parallel.
        var plans = new (TrainingReceipt Receipt, ParticipantView Participant, IReadOnlyList<int> Picks, string? Skipped)?[candidates.Count];
        var needs = new List<(string Node, string State, bool Requestable)>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!ReplayFolding.IsReplayed(task, secret, candidates[i], scored[i], out var participant, out var picks))
                continue;
            var receipt = candidates[i].Receipt;
            // A receipt trained on another device kind keeps its static and chain-end checks; only its segments go unreplayed.
            var skipped = picks.Count > 0 ? devices.SkipReason(receipt.Device) : null;
            if (skipped is not null)
                picks = [];
            plans[i] = (receipt, participant, picks, skipped);
            var requestable = ReplayCheck.Requested(receipt, picks).ToHashSet(StringComparer.Ordinal);
            needs.AddRange(ReplayCheck.Needs(receipt, picks).Select(id => (receipt.Node, id, requestable.Contains(id))));
        }
        var fetched = await new StateFetcher(client, retry, observer, Answers).FetchAsync(round, needs, async (id, c) => (await UpdateBytesAsync(id, c)).Bytes,
            cancellation);

        var result = new List<ScoredUpdate>(scored.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var item = scored[i];
            if (plans[i] is not { } plan)
            {
                result.Add(item);
                continue;
            }
            var (receipt, participant, picks, skipped) = plan;
            var withheld = fetched.Withheld.Where(w => w.Node == receipt.Node).Select(w => w.State).ToHashSet(StringComparer.Ordinal);
            var bytes = candidates[i].Bytes!;
            var onGpu = devices.OnGpu(receipt.Device);
            var replayer = onGpu ? gpuCheck! : check;
            var outcome = await Task.Run(() => replayer.Check(receipt, bytes, participant.Slot, participant.Shard, round.MaxNodes,
                round.Seed, picks, fetched.Blobs, cancellation, withheld), cancellation);
            if (picks.Count > 0)
                observer.Info($"round {round.Id}: replayed {picks.Count} of {receipt.Commitments.Count} segments ({outcome.ReplayedSteps} steps) of " +
                    $"{receipt.Node}'s update on {(onGpu ? devices.Gpu : $"the CPU engine ({devices.Cpu})")}: {outcome.Reason ?? "every hash matched"}");
            result.Add(ReplayFolding.Fold(item, outcome, skipped));
        }
        return result;
    }

    // A receipt for an uploaded dataset must name the shard blobs of its slot: those are what the replay trains on.
    internal static CandidateUpdate ShardNamed(CandidateUpdate candidate, RoundView round, Dictionary<int, IReadOnlyList<string>> slotBlobs)
    {
        if (candidate.Reason is not null)
            return candidate;
        var shard = round.Participants.FirstOrDefault(p => p.Node == candidate.Receipt.Node)?.Shard;
        var expected = shard is int s ? slotBlobs.GetValueOrDefault(s) : null;
        var named = candidate.Receipt.ShardBlobs;
        return expected is not null && named is not null && named.SequenceEqual(expected, StringComparer.Ordinal)
            ? candidate
            : candidate with
            {
                Reason = $"the receipt names shards [{string.Join(", ", named ?? [])}], but slot {shard} of dataset {round.Dataset} holds "
                    + $"[{string.Join(", ", expected ?? [])}]",
            };
    }

    private async Task<string?> NodeKeyAsync(string address, CancellationToken cancellation)
    {
        try
        {
            var node = await retry.RunAsync($"looking up node {address}", c => client.NodeAsync(address, c), cancellation);
            return node.PublicKey;
        }
        catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    internal async Task<(byte[]? Bytes, string? Reason)> UpdateBytesAsync(string blob, CancellationToken cancellation)
    {
        // Content-addressed and hash-checked when it was downloaded early: the same bytes.
        if (Early.Blob(blob) is { } early)
            return (early, null);
        try
        {
            return (await retry.RunAsync($"downloading update {blob}", c => client.GetBlobAsync(blob, c), cancellation), null);
        }
        catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return (null, $"update blob {blob} is not in the blob store");
        }
        catch (InvalidDataException e)
        {
            return (null, e.Message);
        }
    }


    /// <summary>
    /// Uploads the aggregate's model (loaded into <paramref name="model"/>) and strategy state, and returns their blob ids.
    /// With nothing accepted the base model and the old state stay the round's.
    /// </summary>
    /// <remarks>The ids are returned at once (a blob's id is its bytes' hash); <c>Uploads</c> completes when the coordinator stored both.</remarks>
    internal (string Model, string? State, Task Uploads) Publish(
        ValidationTask task, AggregationOutcome? outcome, TrainSwarm.Nn.Module model, CancellationToken cancellation)
    {
        if (outcome is null)
            return (task.Round.BaseModel, task.StrategyStateBlob, Task.CompletedTask);
        WeightConversion.Load(model, outcome.Weights);
        var modelBytes = ModuleWeights.ToBytes(model);
        var stateBytes = outcome.State is { } newState ? SafeTensorsWriter.ToBytes(WeightConversion.ToNamedArrays(newState)) : null;
        async Task UploadAsync()
        {
            await retry.RunAsync("uploading the new model", c => client.PutBlobAsync(modelBytes, c), cancellation);
            if (stateBytes is not null)
                await retry.RunAsync("uploading the strategy state", c => client.PutBlobAsync(stateBytes, c), cancellation);
        }
        return (Protocol.Blobs.BlobId.Of(modelBytes), stateBytes is null ? null : Protocol.Blobs.BlobId.Of(stateBytes), UploadAsync());
    }
    /// <summary>
    /// The previous round's strategy state. A state that cannot be read or does not fit the model is reported and
    /// dropped (momentum restarts from zero) rather than blocking the job forever.
    /// </summary>
    internal async Task<IReadOnlyList<WeightTensor>?> LoadStateAsync(
        ValidationTask task, IReadOnlyList<WeightTensor> baseWeights, CancellationToken cancellation)
    {
        if (task.StrategyStateBlob is not { } blob)
            return null;
        try
        {
            var bytes = await retry.RunAsync("downloading the strategy state", c => client.GetBlobAsync(blob, c), cancellation);
            var state = WeightConversion.AlignTo(baseWeights, WeightConversion.FromNamedArrays(SafeTensorsReader.Read(bytes).Tensors));
            if (WeightSet.SameLayout(baseWeights, state))
                return state;
            observer.Error($"round {task.Round.Id}: strategy state {blob} does not fit the model; starting from zero momentum", null);
        }
        catch (Exception e) when (e is SafeTensorsFormatException or InvalidDataException or (SwarmApiException { Status: HttpStatusCode.NotFound }))
        {
            observer.Error($"round {task.Round.Id}: strategy state {blob} is unusable ({e.Message}); starting from zero momentum", e);
        }
        return null;
    }
}
