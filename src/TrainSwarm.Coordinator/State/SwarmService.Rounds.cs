using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.State;

/// <summary>Rounds: joining, delivering updates, validation leases, results and the clock.</summary>
public sealed partial class SwarmService
{
    /// <summary>A registered node joins an open round of a running job whose dataset it serves, locking its stake.</summary>
    public Task<Assignment> JoinAsync(string node, string roundId, CancellationToken cancellation) =>
        MutateWithLedgerAsync(async changes =>
        {
            var (job, round) = RunningRound(roundId);
            var record = _nodes.GetValueOrDefault(node) ?? throw ApiProblemException.Forbidden($"{node} is not a registered node; register with POST {Routes.Nodes}");
            if (!record.Registration.Datasets.Contains(job.Spec.Dataset))
                throw ApiProblemException.Forbidden($"node {node} does not serve dataset {job.Spec.Dataset}, which round {roundId} trains on");
            var joined = RoundMachine.Join(round, node, Now);
            if (!joined.Ok)
                throw ApiProblemException.From(joined.Refusal!);
            await StakeAsync(node, job, round, cancellation);
            var next = RoundMachine.StartTrainingIfFull(joined.Value!, job.Spec, Now);
            PutRound(changes, next);
            var participant = next.Participants.Single(p => p.Node == node);
            changes.Event(job.Id, roundId, new Happening(EventTypes.NodeJoined, node,
                $"round {round.Index}: node joined (slot {participant.Slot}, shard {participant.Shard})", new { participant.Slot, participant.Shard }));
            if (next.Status == RoundStatus.Training)
                changes.Event(job.Id, roundId, new Happening(EventTypes.TrainingStarted, null, $"round {round.Index} training with {next.Participants.Count} nodes"));
            _lastSeen[node] = Now;
            return AssignmentOf(job, next, participant);
        }, cancellation);

    /// <summary>The rounds a node joined and has not delivered yet (a restarted node resumes them).</summary>
    public Task<IReadOnlyList<Assignment>> AssignmentsAsync(string node, CancellationToken cancellation) =>
        ReadAsync<IReadOnlyList<Assignment>>(() => CurrentRounds()
            .Where(r => r.Status is RoundStatus.Open or RoundStatus.Training && _jobs[r.JobId].Status == JobStatus.Running)
            .SelectMany(r => r.Participants.Where(p => p.Node == node && p.Status == ParticipantStatus.Joined).Select(p => AssignmentOf(_jobs[r.JobId], r, p)))
            .ToList(), cancellation);

    /// <summary>
    /// Accepts a node's update: the signer must be the receipt's node, the receipt must be signed by it and name this
    /// round's attempt and base model, and the delta must already be in the blob store. Stored before it is acknowledged.
    /// </summary>
    public Task<UpdateAck> SubmitUpdateAsync(string node, string roundId, UpdateSubmission submission, CancellationToken cancellation)
    {
        var receipt = submission.Receipt ?? throw ApiProblemException.BadRequest("receipt is required");
        if (receipt.Node != node)
            throw ApiProblemException.Forbidden($"the receipt is for node {receipt.Node}, but {node} signed the request");
        if (receipt.RoundId != roundId)
            throw ApiProblemException.BadRequest($"the receipt is for round {receipt.RoundId}, not {roundId}");
        if (!BlobId.IsValid(receipt.UpdateBlob) || !Blobs.Exists(receipt.UpdateBlob))
            throw ApiProblemException.BadRequest($"update blob {receipt.UpdateBlob} is not stored; upload it first (PUT {Routes.Blobs}/ID)");
        var key = PublicKeyOf(node) ?? throw ApiProblemException.Forbidden($"{node} is not registered");
        if (string.IsNullOrEmpty(submission.ReceiptSignature) || !DocumentSignature.Verify(key, receipt, submission.ReceiptSignature))
            throw ApiProblemException.BadRequest("the receipt signature does not verify with the node's key");
        return MutateAsync(changes =>
        {
            var (job, round) = RunningRound(roundId);
            if (receipt.BaseModel != round.BaseModel || receipt.JobId != job.Id)
                throw ApiProblemException.BadRequest($"the receipt names base model {receipt.BaseModel}; round {roundId} starts from {round.BaseModel}");
            var submitted = RoundMachine.Submit(round, node, receipt.Attempt, receipt.UpdateBlob, Now);
            if (!submitted.Ok)
                throw ApiProblemException.From(submitted.Refusal!);
            var next = submitted.Value!;
            var participant = next.Participants.Single(p => p.Node == node);
            // A retry of an acknowledged submission finds its update stored already: acknowledge again, record nothing new.
            if (!_updates.ContainsKey(Kinds.UpdateKey(roundId, round.Attempt, node)))
            {
                var updateKey = Kinds.UpdateKey(roundId, round.Attempt, node);
                changes.Put(Kinds.Update, updateKey, submission, () => _updates[updateKey] = submission);
                changes.Event(job.Id, roundId, new Happening(EventTypes.UpdateReceived, node,
                    $"round {round.Index}: update received ({receipt.Steps} steps, {receipt.Samples} samples, {receipt.Encoding})",
                    new { receipt.Steps, receipt.Samples, receipt.ComputeSeconds, receipt.Encoding, receipt.UpdateBlob }));
            }
            // Closing the phase now, rather than at the next tick, starts validation as soon as the last update lands.
            var ticked = RoundMachine.Tick(next, job.Spec, Now);
            PutRound(changes, ticked.Round);
            foreach (var what in ticked.Happened)
                changes.Event(job.Id, roundId, what);
            _lastSeen[node] = Now;
            return new UpdateAck(roundId, round.Attempt, node, receipt.UpdateBlob, participant.SubmittedAt ?? Now);
        }, cancellation);
    }

    /// <summary>A validator takes a validating round and gets everything needed to judge it.</summary>
    public Task<ValidationTask> TakeValidationAsync(string validator, string roundId, CancellationToken cancellation)
    {
        RequireValidator(validator);
        return MutateAsync(changes =>
        {
            var (job, round) = RunningRound(roundId);
            var taken = RoundMachine.TakeValidation(round, validator, job.Spec, Now);
            if (!taken.Ok)
                throw ApiProblemException.From(taken.Refusal!);
            var leased = taken.Value!;
            PutRound(changes, leased);
            if (round.Validator != validator)
                changes.Event(job.Id, roundId, new Happening(EventTypes.ValidationStarted, null, $"round {round.Index}: validator {validator} took the round"));
            var updates = leased.Participants.Where(p => p.Status == ParticipantStatus.Submitted)
                .Select(p => _updates[Kinds.UpdateKey(roundId, leased.Attempt, p.Node)]).ToList();
            var failures = leased.Participants.Where(p => p.Status != ParticipantStatus.Submitted).Select(p => p.Node).ToList();
            return new ValidationTask(leased, job.Spec, job.StrategyStateBlob, updates, failures, leased.PhaseDeadline);
        }, cancellation);
    }

    /// <summary>Closes a round with the lease holder's signed result, then opens the next round or ends the job.</summary>
    public Task<RoundView> SubmitResultAsync(string validator, string roundId, RoundResultSubmission submission, CancellationToken cancellation)
    {
        RequireValidator(validator);
        var result = submission.Result ?? throw ApiProblemException.BadRequest("result is required");
        // Checking and finishing the round read every verdict and the metrics; a body without them is the client's error, not a 500.
        if (result.Verdicts is null || result.Verdicts.Any(v => v is null) || result.Metrics is null)
            throw ApiProblemException.BadRequest("result.verdicts (one per delivered update) and result.metrics are required");
        var key = PublicKeyOf(validator)!;
        if (string.IsNullOrEmpty(submission.Signature) || !DocumentSignature.Verify(key, result, submission.Signature))
            throw ApiProblemException.BadRequest("the result signature does not verify with the validator's key");
        foreach (var blob in new[] { result.NewModel, result.StrategyStateBlob }.OfType<string>())
            if (!BlobId.IsValid(blob) || !Blobs.Exists(blob))
                throw ApiProblemException.BadRequest($"blob {blob} named by the result is not stored; upload it first");
        return MutateAsync(changes =>
        {
            var (job, round) = RunningRound(roundId);
            if (RoundMachine.CheckResult(round, result, validator) is { } refusal)
                throw ApiProblemException.From(refusal);
            var resultKey = Kinds.RoundKey(roundId, round.Attempt);
            changes.Put(Kinds.Result, resultKey, submission, () => _results[resultKey] = submission);
            var finished = RoundMachine.Finish(round, result, Now);
            Close(changes, job, finished, result);
            return finished.Round;
        }, cancellation);
    }

    /// <summary>Applies the clock to every running job and its current round (called by the deadline service).</summary>
    public Task TickAsync(CancellationToken cancellation) =>
        MutateAsync(changes =>
        {
            foreach (var job in _jobs.Values.Where(j => j.Status == JobStatus.Running).ToList())
            {
                if (JobMachine.Expire(job, Now) is var (expired, ending))
                {
                    EndJob(changes, expired);
                    changes.Event(job.Id, null, ending);
                    continue;
                }
                var round = CurrentRound(job.Id);
                if (round is null || round.Status == RoundStatus.Done)
                    continue;
                var ticked = RoundMachine.Tick(round, job.Spec, Now);
                if (ticked.Round == round)
                    continue;
                if (ticked.Retry)
                    Close(changes, job, ticked, null);
                else
                {
                    PutRound(changes, ticked.Round);
                    foreach (var what in ticked.Happened)
                        changes.Event(job.Id, round.Id, what);
                }
            }
            return 0;
        }, cancellation);

    /// <summary>Rounds (current attempts), optionally filtered; open rounds only of running jobs.</summary>
    public Task<IReadOnlyList<RoundView>> RoundsAsync(RoundStatus? status, string? jobId, CancellationToken cancellation) =>
        ReadAsync<IReadOnlyList<RoundView>>(() => CurrentRounds()
            .Where(r => (status is null || r.Status == status) && (jobId is null || r.JobId == jobId))
            .Where(r => r.Status == RoundStatus.Done || _jobs[r.JobId].Status == JobStatus.Running)
            .OrderBy(r => r.OpenedAt).Select(r => r with { ExpectedReward = ExpectedReward(r) }).ToList(), cancellation);

    /// <summary>A round's current attempt, or null.</summary>
    public Task<RoundView?> RoundAsync(string roundId, CancellationToken cancellation) =>
        ReadAsync(() => CurrentRounds().FirstOrDefault(r => r.Id == roundId) is { } r ? r with { ExpectedReward = ExpectedReward(r) } : null, cancellation);

    /// <summary>The updates delivered to a round's current attempt.</summary>
    public Task<IReadOnlyList<UpdateSubmission>?> RoundUpdatesAsync(string roundId, CancellationToken cancellation) =>
        ReadAsync<IReadOnlyList<UpdateSubmission>?>(() => CurrentRounds().FirstOrDefault(r => r.Id == roundId) is { } round
            ? round.Participants.Where(p => p.Status == ParticipantStatus.Submitted).Select(p => _updates[Kinds.UpdateKey(round.Id, round.Attempt, p.Node)]).ToList()
            : null, cancellation);

    /// <summary>The signed result of a round's latest validated attempt, or null.</summary>
    public Task<RoundResultSubmission?> RoundResultAsync(string roundId, CancellationToken cancellation) =>
        ReadAsync(() => _results.Values.Where(r => r.Result.RoundId == roundId).MaxBy(r => r.Result.Attempt), cancellation);

    private void Close(Changes changes, JobView job, TickResult closed, RoundResult? result)
    {
        PutRound(changes, closed.Round);
        foreach (var what in closed.Happened)
            changes.Event(job.Id, closed.Round.Id, what);
        // Only an attempt that makes the round is paid: a retried one (too few updates, or too few accepted) bills
        // nothing, and the attempt that finally makes the round is paid under the round's transfer ids.
        var paid = closed.Retry ? null : result;
        var (charge, budgetSpent) = Charge(job, paid);
        var (nextJob, nextRound, ended) = JobMachine.AfterRound(job, closed.Round, result, closed.Retry, Now, budgetSpent);
        nextJob = PlanMoney(changes, nextJob, closed.Round, paid, charge);
        PutJob(changes, nextJob);
        if (nextRound is not null)
        {
            PutRound(changes, nextRound);
            changes.Event(job.Id, nextRound.Id, new Happening(EventTypes.RoundStarted, null,
                nextRound.Attempt > 1 ? $"round {nextRound.Index} open again (attempt {nextRound.Attempt})" : $"round {nextRound.Index} open for up to {nextRound.MaxNodes} nodes"));
        }
        if (ended is not null)
            changes.Event(job.Id, null, ended with { Data = nextJob });
    }

    private (JobView Job, RoundView Round) RunningRound(string roundId)
    {
        var round = CurrentRounds().FirstOrDefault(r => r.Id == roundId) ?? throw ApiProblemException.NotFound($"no round {roundId}");
        var job = _jobs[round.JobId];
        if (job.Status != JobStatus.Running)
            throw new ApiProblemException(409, "Conflict", $"job {job.Id} has ended ({job.Status.ToString().ToLowerInvariant()})");
        return (job, round);
    }

    private IEnumerable<RoundView> CurrentRounds() =>
        _rounds.Values.GroupBy(r => r.Id, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.Attempt)!);

    private void RequireValidator(string address)
    {
        var actor = Volatile.Read(ref _actorsSnapshot)?.GetValueOrDefault(address);
        var allowed = Options.Validators.Count > 0 ? Options.Validators.Contains(address) : Options.Devnet;
        if (actor is null || actor.Role != "validator" || !allowed)
            throw ApiProblemException.Forbidden($"{address} is not an allowed validator of this coordinator");
    }

    private static Assignment AssignmentOf(JobView job, RoundView round, ParticipantView p) => new(
        round.Id, job.Id, round.Index, round.Attempt, p.Slot, p.Shard, round.MaxNodes, round.Seed + (ulong)p.Slot, round.BaseModel, job.Spec,
        round.Status == RoundStatus.Training ? round.PhaseDeadline : round.PhaseDeadline.AddSeconds(job.Spec.TrainSeconds));
}
