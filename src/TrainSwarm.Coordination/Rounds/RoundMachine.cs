using TrainSwarm.Coordination.Records;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Rounds;

/// <summary>
/// The round state machine, as pure functions of (state, input, now): open → training → validating → done.
/// Open waits for nodes (until MaxNodes joined, or the join window closed with at least MinNodes); training waits for
/// every joined node's update until the deadline, then drops the late ones; validating is leased to one validator
/// at a time, or, for a job with several validators, seats are leased to up to that many and a quorum of their votes
/// decides (<see cref="Vote"/>). A round that ends with fewer than MinNodes updates, or without a quorum, is retried
/// with the next attempt.
/// </summary>
public static class RoundMachine
{
    /// <summary>A job fails after this many attempts of one round.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The id of round <paramref name="index"/> of a job.</summary>
    public static string RoundId(string jobId, int index) => $"{jobId}-r{index}";

    /// <summary>A fresh attempt of a round, open for joining.</summary>
    public static RoundRecord Open(JobRecord job, int index, int attempt, string baseModel, DateTimeOffset now) => new(
        RoundId(job.Id, index), job.Id, index, attempt, RoundStatus.Open, RoundSeed(job.Spec.Seed, index, attempt), baseModel,
        // An rl round names its environment and preset where an image round names dataset and model, and rollouts × transitions
        // where it names H × batch; an lm round names its corpus and preset, and H × batch windows. Listings and filters read alike.
        RoundNames(job.Spec).Dataset, RoundNames(job.Spec).Model, job.Spec.MinNodes, job.Spec.MaxNodes,
        RoundNames(job.Spec).Steps, RoundNames(job.Spec).Batch,
        now, null, null, null, now.AddSeconds(job.Spec.OpenSeconds),
        null, null, null, []);

    /// <summary>What a round of <paramref name="spec"/> names as its dataset and model, and its steps and batch.</summary>
    public static (string Dataset, string Model, int Steps, int Batch) RoundNames(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.IsRl)
            return (spec.RlSettings.Environment, spec.RlSettings.Preset, spec.RlSettings.RolloutsPerRound, spec.RlSettings.RolloutSize);
        if (spec.IsLm)
            return (spec.LmSettings.Corpus, spec.LmSettings.Preset, spec.LmSettings.InnerSteps, spec.LmSettings.BatchSize);
        // A grpo round names its task and preset, and GRPO steps × the completions of one step.
        if (spec.IsGrpo)
            return (GrpoJobSpecRules.TaskName(spec.GrpoSettings.Digits), spec.GrpoSettings.Preset, spec.GrpoSettings.StepsPerRound,
                spec.GrpoSettings.PromptsPerStep * spec.GrpoSettings.GroupSize);
        return (spec.Dataset, spec.Layers is null ? spec.Model : "custom", spec.InnerSteps, spec.BatchSize);
    }

    /// <summary>Each (round, attempt) gets its own seed, mixed from the job's (SplitMix64 finalizer), so retries train on new batches.</summary>
    public static ulong RoundSeed(ulong jobSeed, int index, int attempt)
    {
        var z = jobSeed + 0x9E3779B97F4A7C15UL * (ulong)(index * 64 + attempt + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A node joins an open round: it gets the next slot and a shard that rotates with the round index.</summary>
    public static Result<RoundRecord> Join(RoundRecord round, string node, DateTimeOffset now)
    {
        if (round.Status != RoundStatus.Open)
            return Refusal.Conflict($"round {round.Id} is {Name(round.Status)}, not open for joining");
        if (round.Participants.Any(p => p.Node == node))
            return Refusal.Conflict($"node {node} already joined round {round.Id}");
        if (round.Participants.Count >= round.MaxNodes)
            return Refusal.Conflict($"round {round.Id} is full ({round.MaxNodes} nodes)");
        var slot = round.Participants.Count;
        var shard = (slot + round.Index) % round.MaxNodes;
        var joined = round with
        {
            Participants = [.. round.Participants, new ParticipantRecord(node, slot, shard, ParticipantStatus.Joined, now, null, null)],
        };
        return joined;
    }

    /// <summary>Starts training when the round is full; the joined nodes then have the job's training time.</summary>
    public static RoundRecord StartTrainingIfFull(RoundRecord round, JobSpec spec, DateTimeOffset now) =>
        round.Status == RoundStatus.Open && round.Participants.Count >= round.MaxNodes ? StartTraining(round, spec, now) : round;

    /// <summary>A joined node delivers its update (already checked to be stored); the last delivery starts validation.</summary>
    public static Result<RoundRecord> Submit(RoundRecord round, string node, int attempt, string updateBlob, DateTimeOffset now)
    {
        if (attempt != round.Attempt)
            return Refusal.Conflict($"round {round.Id} is at attempt {round.Attempt}; attempt {attempt} is over");
        var participant = round.Participants.FirstOrDefault(p => p.Node == node);
        if (participant is null)
            return Refusal.Forbidden($"node {node} did not join round {round.Id}");
        if (participant.Status == ParticipantStatus.Submitted)
            return participant.UpdateBlob == updateBlob ? round : Refusal.Conflict($"node {node} already delivered another update for round {round.Id}");
        if (round.Status is not (RoundStatus.Training or RoundStatus.Open) || participant.Status == ParticipantStatus.Dropped)
            return Refusal.Conflict($"round {round.Id} no longer accepts updates from {node} (it is {Name(round.Status)})");
        var updated = participant with { Status = ParticipantStatus.Submitted, UpdateBlob = updateBlob, SubmittedAt = now };
        return round with { Participants = round.Participants.Select(p => p.Node == node ? updated : p).ToList() };
    }

    /// <summary>
    /// Applies the clock: closes phases whose deadline passed. Returns the new round and what happened; a round
    /// that must be retried comes back as <see cref="RoundStatus.Done"/> with <see cref="TickResult.Retry"/> set.
    /// </summary>
    public static TickResult Tick(RoundRecord round, JobSpec spec, DateTimeOffset now)
    {
        var happened = new List<Happening>();
        switch (round.Status)
        {
            case RoundStatus.Open when now >= round.PhaseDeadline:
                if (round.Participants.Count >= round.MinNodes)
                {
                    round = StartTraining(round, spec, now);
                    happened.Add(new(EventTypes.TrainingStarted, null, $"round {round.Index} training with {round.Participants.Count} nodes"));
                }
                else
                    round = round with { PhaseDeadline = now.AddSeconds(spec.OpenSeconds) }; // keep waiting for enough nodes
                break;
            case RoundStatus.Training when round.Participants.All(p => p.Status != ParticipantStatus.Joined):
                round = StartValidating(round, spec, now);
                happened.Add(new(EventTypes.ValidationStarted, null, $"round {round.Index}: all {Delivered(round)} updates in"));
                break;
            case RoundStatus.Training when now >= round.PhaseDeadline:
                foreach (var late in round.Participants.Where(p => p.Status == ParticipantStatus.Joined))
                    happened.Add(new(EventTypes.NodeDropped, late.Node, $"round {round.Index}: node missed the training deadline"));
                round = round with
                {
                    Participants = round.Participants
                        .Select(p => p.Status == ParticipantStatus.Joined ? p with { Status = ParticipantStatus.Dropped } : p).ToList(),
                };
                if (Delivered(round) >= round.MinNodes)
                {
                    round = StartValidating(round, spec, now);
                    happened.Add(new(EventTypes.ValidationStarted, null, $"round {round.Index}: {Delivered(round)} updates in at the deadline"));
                }
                else
                {
                    happened.Add(new(EventTypes.RoundRetried, null,
                        $"round {round.Index}: only {Delivered(round)} of at least {round.MinNodes} updates arrived"));
                    return new TickResult(round with { Status = RoundStatus.Done, DoneAt = now, PhaseDeadline = now }, happened, Retry: true);
                }
                break;
            case RoundStatus.Validating when round.Validator is not null && now >= round.PhaseDeadline:
                round = round with { Validator = null }; // the lease lapsed: any validator may take the round
                break;
        }
        return new TickResult(round, happened, Retry: false);
    }

    /// <summary>A validator takes (or renews) a validating round; another validator's live lease wins.</summary>
    public static Result<RoundRecord> TakeValidation(RoundRecord round, string validator, JobSpec spec, DateTimeOffset now)
    {
        if (round.Status != RoundStatus.Validating)
            return Refusal.Conflict($"round {round.Id} is {Name(round.Status)}, not waiting for validation");
        if (round.Validator is not null && round.Validator != validator && now < round.PhaseDeadline)
            return Refusal.Conflict($"round {round.Id} is being validated by {round.Validator} until {round.PhaseDeadline:u}");
        return round with { Validator = validator, PhaseDeadline = now.AddSeconds(spec.ValidateSeconds) };
    }

    /// <summary>Checks that <paramref name="result"/> may close the round: right attempt, lease holder, one verdict per delivered update.</summary>
    public static Refusal? CheckResult(RoundRecord round, RoundResult result, string validator)
    {
        if (round.Status != RoundStatus.Validating)
            return Refusal.Conflict($"round {round.Id} is {Name(round.Status)}, not waiting for a result");
        if (result.RoundId != round.Id || result.Attempt != round.Attempt)
            return Refusal.Conflict($"the result is for {result.RoundId} attempt {result.Attempt}, the round is at attempt {round.Attempt}");
        if (round.Validator != validator || result.Validator != validator)
            return Refusal.Forbidden($"round {round.Id} is leased to {round.Validator ?? "nobody"}, not to {validator}");
        return CheckContent(round, result);
    }

    // What every result must match whoever posts it: the round's base model and one verdict per delivered update.
    private static Refusal? CheckContent(RoundRecord round, RoundResult result)
    {
        if (result.BaseModel != round.BaseModel)
            return Refusal.Invalid($"the result starts from {result.BaseModel}, the round from {round.BaseModel}");
        var delivered = round.Participants.Where(p => p.Status == ParticipantStatus.Submitted).Select(p => p.Node).Order(StringComparer.Ordinal);
        if (!delivered.SequenceEqual(result.Verdicts.Select(v => v.Node).Order(StringComparer.Ordinal)))
            return Refusal.Invalid("the result must hold exactly one verdict per delivered update");
        return null;
    }

    /// <summary>Closes the round with a checked result. Too few accepted updates make it a retry.</summary>
    public static TickResult Finish(RoundRecord round, RoundResult result, DateTimeOffset now)
    {
        var accepted = result.Verdicts.Count(v => v.Accepted);
        var done = round with { Status = RoundStatus.Done, DoneAt = now, PhaseDeadline = now, Metrics = accepted >= round.MinNodes ? result.Metrics : null,
            NewModel = accepted >= round.MinNodes ? result.NewModel : null };
        var happened = result.Verdicts.Select(v => new Happening(EventTypes.UpdateScored, v.Node,
            v.Accepted && v.UpdatedReturn is { } updatedReturn
                ? $"round {round.Index}: accepted, mean return {v.BaseReturn:F1} → {updatedReturn:F1}"
                : v.Accepted && v.UpdatedCorrect is { } updatedCorrect
                ? $"round {round.Index}: accepted, held-out exact match {v.BaseCorrect} → {updatedCorrect} of {result.Metrics.HoldoutSamples} prompts"
                // An lm round (its model is a GPT preset) is scored by held-out loss, read with its perplexity.
                : v.Accepted && LmJobSpecRules.Contexts.ContainsKey(round.Model)
                ? $"round {round.Index}: accepted, {HeldOutText.Verdict(v, JobKinds.Lm)}"
                : v.Accepted
                ? $"round {round.Index}: accepted, holdout loss {v.BaseLoss:F4} → {v.UpdatedLoss:F4}"
                : $"round {round.Index}: rejected: {v.Reason}", v)).ToList();
        if (accepted < round.MinNodes)
        {
            happened.Add(new(EventTypes.RoundRetried, null, $"round {round.Index}: only {accepted} of at least {round.MinNodes} updates accepted"));
            return new TickResult(done, happened, Retry: true);
        }
        happened.Add(new(EventTypes.RoundDone, null, result.Metrics.MeanReturn is { } meanReturn
            ? $"round {round.Index} done: mean return {result.Metrics.BaseMeanReturn:F1} → {meanReturn:F1} over {result.Metrics.EvalEpisodes} episodes"
            // A grpo round names its arithmetic task as its dataset; it is scored by held-out exact match alone.
            : GrpoJobSpecRules.IsTaskName(round.Dataset)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"round {round.Index} done: held-out exact match "
                + $"{result.Metrics.BaseHoldoutAccuracy:P1} → {result.Metrics.HoldoutAccuracy:P1} on {result.Metrics.HoldoutSamples:N0} prompts")
            // An lm round names its GPT preset as its model; it is scored by held-out loss alone.
            : LmJobSpecRules.Contexts.ContainsKey(round.Model)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"round {round.Index} done: held-out loss "
                + $"{result.Metrics.BaseHoldoutLoss:F4} → {result.Metrics.HoldoutLoss:F4} (perplexity {Math.Exp(result.Metrics.HoldoutLoss):F2}) "
                + $"on {result.Metrics.HoldoutSamples:N0} tokens")
            : $"round {round.Index} done: holdout accuracy {result.Metrics.BaseHoldoutAccuracy:P2} → {result.Metrics.HoldoutAccuracy:P2}, "
            + $"test {result.Metrics.TestAccuracy:P2}",
            result.Metrics));
        return new TickResult(done, happened, Retry: false);
    }

    /// <summary>
    /// For a job with several validators: <paramref name="validator"/> takes (or renews) one of the round's
    /// <see cref="JobSpec.ValidatorCount"/> seats. A validator that already posted for this attempt gets no second seat, and
    /// a seat whose lease lapsed is given to the next validator that asks.
    /// </summary>
    public static Result<RoundRecord> TakeSeat(RoundRecord round, string validator, JobSpec spec, DateTimeOffset now)
    {
        if (round.Status != RoundStatus.Validating)
            return Refusal.Conflict($"round {round.Id} is {Name(round.Status)}, not waiting for validation");
        var votes = round.Votes ?? [];
        if (votes.Any(v => v.Validator == validator))
            return Refusal.Conflict($"validator {validator} already posted its result for round {round.Id} attempt {round.Attempt}");
        var lease = now.AddSeconds(spec.ValidateSeconds);
        var seats = (round.Seats ?? []).Where(s => s.Validator == validator || s.LeaseUntil > now).ToList();
        if (seats.All(s => s.Validator != validator) && votes.Count + seats.Count >= spec.ValidatorCount)
            return Refusal.Conflict($"all {spec.ValidatorCount} validation seats of round {round.Id} are taken or have posted");
        seats = [.. seats.Where(s => s.Validator != validator), new SeatRecord(validator, lease)];
        return round with { Seats = seats, PhaseDeadline = seats.Max(s => s.LeaseUntil) };
    }

    /// <summary>
    /// For a job with several validators: records the signed result of a seated validator as its vote and decides the
    /// quorum. A quorum accepts the round (<see cref="VoteOutcome.Decision"/> agreed: the caller finishes it with the
    /// first agreeing result); all votes in without a quorum closes the attempt for a retry; a vote for an attempt a
    /// quorum already accepted is recorded as late (a dissent still counts, a fee is no longer paid).
    /// </summary>
    /// <param name="agreement">The result's <see cref="Quorum.AgreementKey"/>.</param>
    public static Result<VoteOutcome> Vote(RoundRecord round, RoundResult result, string validator, string agreement, JobSpec spec, DateTimeOffset now)
    {
        if (result.RoundId != round.Id || result.Attempt != round.Attempt)
            return Refusal.Conflict($"the result is for {result.RoundId} attempt {result.Attempt}, the round is at attempt {round.Attempt}");
        if (result.Validator != validator)
            return Refusal.Forbidden($"the result is signed for {result.Validator}, not by {validator}");
        var votes = round.Votes ?? [];
        if (votes.FirstOrDefault(v => v.Validator == validator) is { } earlier)
            return earlier.Agreement == agreement
                ? new VoteOutcome(round, VoteDecision.Repeated, [], [], [])
                : Refusal.Conflict($"validator {validator} already posted another result for round {round.Id} attempt {round.Attempt}");
        var late = round.Status == RoundStatus.Done && round.Agreed is not null;
        if (round.Status != RoundStatus.Validating && !late)
            return Refusal.Conflict($"round {round.Id} attempt {round.Attempt} is {Name(round.Status)}, not waiting for a result");
        var seats = round.Seats ?? [];
        if (seats.All(s => s.Validator != validator))
            return Refusal.Forbidden($"validator {validator} holds no validation seat of round {round.Id} attempt {round.Attempt}");
        if (CheckContent(round, result) is { } refusal)
            return refusal;
        seats = seats.Where(s => s.Validator != validator).ToList();
        var posted = new Happening(EventTypes.ResultPosted, null,
            $"round {round.Index}: validator {validator} posted result {agreement[..12]} ({votes.Count + 1} of {spec.ValidatorCount}"
            + (late ? ", after the quorum" : "") + ")", new { validator, agreement });
        if (late)
        {
            var agrees = agreement == round.Agreed;
            var recorded = round with { Seats = seats, Votes = [.. votes, new VoteRecord(validator, agreement, now, agrees, Late: true)] };
            List<Happening> happened = [posted];
            if (!agrees)
                happened.Add(Dissent(round, validator, agreement));
            return new VoteOutcome(recorded, VoteDecision.Late, agrees ? [validator] : [], agrees ? [] : [validator], happened);
        }
        var all = (IReadOnlyList<VoteRecord>)[.. votes, new VoteRecord(validator, agreement, now)];
        var decision = Quorum.Decide(all, spec.ValidatorCount, spec.QuorumSize);
        var next = round with { Seats = seats, Votes = all };
        switch (decision.State)
        {
            case QuorumState.Agreed:
                var decided = next with
                {
                    Votes = all.Select(v => v with { Agrees = v.Agreement == decision.Agreed }).ToList(), Agreed = decision.Agreed,
                    Validator = decision.Agreeing[0],
                };
                return new VoteOutcome(decided, VoteDecision.Accepted, decision.Agreeing, decision.Dissenting,
                    [posted, .. all.Where(v => v.Agreement != decision.Agreed).Select(v => Dissent(round, v.Validator, v.Agreement))]);
            case QuorumState.NoQuorum:
                var closed = next with { Status = RoundStatus.Done, DoneAt = now, PhaseDeadline = now };
                return new VoteOutcome(closed, VoteDecision.NoQuorum, [], [], [posted, new Happening(EventTypes.RoundRetried, null,
                    $"round {round.Index}: no {spec.QuorumSize} of {spec.ValidatorCount} validators agree on a result "
                    + $"({all.Select(v => v.Agreement).Distinct(StringComparer.Ordinal).Count()} different results); the attempt is retried")]);
            default:
                return new VoteOutcome(next, VoteDecision.Pending, [], [], [posted]);
        }
    }

    private static Happening Dissent(RoundRecord round, string validator, string agreement) =>
        new(EventTypes.ValidatorDissented, null,
            $"round {round.Index}: validator {validator} dissented from the quorum (posted {agreement[..12]}, the quorum {round.Agreed?[..12] ?? "another"}); "
            + "it earns no fee for the round", new { validator, agreement });

    private static RoundRecord StartTraining(RoundRecord round, JobSpec spec, DateTimeOffset now) =>
        round with { Status = RoundStatus.Training, TrainingAt = now, PhaseDeadline = now.AddSeconds(spec.TrainSeconds) };

    private static RoundRecord StartValidating(RoundRecord round, JobSpec spec, DateTimeOffset now) =>
        round with { Status = RoundStatus.Validating, ValidatingAt = now, PhaseDeadline = now.AddSeconds(spec.ValidateSeconds), Validator = null };

    private static int Delivered(RoundRecord round) => round.Participants.Count(p => p.Status == ParticipantStatus.Submitted);

    private static string Name(RoundStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>What a validator's vote did to its round attempt.</summary>
public enum VoteDecision
{
    /// <summary>Recorded; no quorum yet.</summary>
    Pending,

    /// <summary>This vote completed a quorum: the round is accepted with the agreed result.</summary>
    Accepted,

    /// <summary>Every vote is in (or the rest cannot make a quorum) and none agree enough: the attempt closes for a retry.</summary>
    NoQuorum,

    /// <summary>Recorded after a quorum had accepted the attempt: a dissent is noted, no fee is paid.</summary>
    Late,

    /// <summary>The same validator posted the same result again (a retried request): nothing changes.</summary>
    Repeated,
}

/// <summary>A round attempt after a vote, the decision, who agreed (in posting order) and who dissented, and what happened.</summary>
public sealed record VoteOutcome(
    RoundRecord Round, VoteDecision Decision, IReadOnlyList<string> Agreeing, IReadOnlyList<string> Dissenting, IReadOnlyList<Happening> Happened);

/// <summary>A round after the clock was applied, what happened, and whether the round must be run again.</summary>
public sealed record TickResult(RoundRecord Round, IReadOnlyList<Happening> Happened, bool Retry);
