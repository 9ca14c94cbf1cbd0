using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

public class RoundMachineTests
{
    internal static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    internal static readonly JobSpec Spec = new()
    {
        Name = "test", Model = "mlp", Dataset = "fashion-mnist", Rounds = 3, MinNodes = 2, MaxNodes = 3, InnerSteps = 10,
        BatchSize = 32, Seed = 42, OpenSeconds = 20, TrainSeconds = 600, ValidateSeconds = 300,
    };

    internal const string JobId = "j0123456789ab";

    internal static JobRecord Job(JobSpec? spec = null) => JobMachine.Submit(JobId, "creator", spec ?? Spec, "model0", T0).Job;

    private static RoundRecord OpenRound(int index = 0, JobSpec? spec = null) => RoundMachine.Open(Job(spec), index, 1, "model0", T0);

    private static RoundRecord Joined(RoundRecord round, params string[] nodes)
    {
        var at = T0;
        foreach (var node in nodes)
        {
            at = at.AddSeconds(1);
            round = Ok(RoundMachine.Join(round, node, at));
        }
        return round;
    }

    /// <summary>Round 0 in training with nodes a, b, c (full), training since T0+3 s until T0+603 s.</summary>
    private static RoundRecord Training()
    {
        var round = RoundMachine.StartTrainingIfFull(Joined(OpenRound(), "a", "b", "c"), Spec, T0.AddSeconds(3));
        Assert.Equal(RoundStatus.Training, round.Status);
        return round;
    }

    /// <summary>Round 0 validating with a and b delivered and c dropped, validation since T0+603 s.</summary>
    private static RoundRecord Validating()
    {
        var round = Training();
        round = Ok(RoundMachine.Submit(round, "a", 1, "upd-a", T0.AddSeconds(100)));
        round = Ok(RoundMachine.Submit(round, "b", 1, "upd-b", T0.AddSeconds(200)));
        var ticked = RoundMachine.Tick(round, Spec, T0.AddSeconds(603));
        Assert.Equal(RoundStatus.Validating, ticked.Round.Status);
        return ticked.Round;
    }

    internal static T Ok<T>(Result<T> result)
    {
        Assert.True(result.Ok, result.Refusal?.Detail);
        return result.Value!;
    }

    private static Refusal Refused<T>(Result<T> result, RefusalKind kind)
    {
        Assert.False(result.Ok);
        Assert.Null(result.Value);
        Assert.Equal(kind, result.Refusal!.Kind);
        return result.Refusal;
    }

    internal static readonly RoundMetrics Metrics = new(2.3, 0.1, 1.2, 0.6, 6000, 1.25, 0.58, 10000);

    private static UpdateVerdict Verdict(string node, bool accepted) =>
        new(node, "upd-" + node, accepted, accepted ? null : "NaN in the update", 100, 10, 1.5, 2.3, 0.1, 1.2, 0.6, accepted ? 0.5 : 0);

    private static RoundResult Result(RoundRecord round, string validator = "v1", params UpdateVerdict[] verdicts) =>
        new(round.Id, round.Attempt, validator, round.BaseModel, "model1", "fedavg", null,
            verdicts.Length > 0 ? verdicts : [Verdict("a", true), Verdict("b", true)], Metrics);

    // ---- open ----

    [Fact]
    public void Open_makes_an_empty_round_with_the_join_window_as_deadline()
    {
        var round = OpenRound(index: 2);
        Assert.Equal("j0123456789ab-r2", round.Id);
        Assert.Equal(JobId, round.JobId);
        Assert.Equal(2, round.Index);
        Assert.Equal(1, round.Attempt);
        Assert.Equal(RoundStatus.Open, round.Status);
        Assert.Equal(RoundMachine.RoundSeed(42, 2, 1), round.Seed);
        Assert.Equal("model0", round.BaseModel);
        Assert.Equal("fashion-mnist", round.Dataset);
        Assert.Equal("mlp", round.Model);
        Assert.Equal((2, 3, 10, 32), (round.MinNodes, round.MaxNodes, round.InnerSteps, round.BatchSize));
        Assert.Equal(T0, round.OpenedAt);
        Assert.Equal(T0.AddSeconds(20), round.PhaseDeadline);
        Assert.Null(round.TrainingAt);
        Assert.Null(round.ValidatingAt);
        Assert.Null(round.DoneAt);
        Assert.Null(round.Validator);
        Assert.Null(round.NewModel);
        Assert.Null(round.Metrics);
        Assert.Empty(round.Participants);
    }

    [Fact]
    public void A_custom_layer_list_names_the_model_custom()
    {
        var spec = Spec with { Layers = ["flatten", "linear(784,10)"] };
        Assert.Equal("custom", OpenRound(spec: spec).Model);
    }

    [Fact]
    public void Round_seed_is_splitmix64_of_the_job_seed_stepped_by_round_and_attempt()
    {
        // The first three outputs of SplitMix64 seeded with 0 (published test vectors).
        Assert.Equal(0xE220A8397B1DCDAFUL, RoundMachine.RoundSeed(0, 0, 0));
        Assert.Equal(0x6E789E6AA1B965F4UL, RoundMachine.RoundSeed(0, 0, 1));
        Assert.Equal(0x06C45D188009454FUL, RoundMachine.RoundSeed(0, 0, 2));
        Assert.NotEqual(RoundMachine.RoundSeed(42, 0, 1), RoundMachine.RoundSeed(42, 0, 2));
        Assert.NotEqual(RoundMachine.RoundSeed(42, 0, 1), RoundMachine.RoundSeed(42, 1, 1));
        Assert.NotEqual(RoundMachine.RoundSeed(42, 0, 1), RoundMachine.RoundSeed(43, 0, 1));
    }

    // ---- join ----

    [Fact]
    public void Joining_nodes_get_consecutive_slots_and_shards_in_round_0()
    {
        var round = Joined(OpenRound(), "a", "b");
        Assert.Equal(RoundStatus.Open, round.Status);
        Assert.Equal(
            [new ParticipantRecord("a", 0, 0, ParticipantStatus.Joined, T0.AddSeconds(1), null, null),
             new ParticipantRecord("b", 1, 1, ParticipantStatus.Joined, T0.AddSeconds(2), null, null)],
            round.Participants);
        Assert.Equal(T0.AddSeconds(20), round.PhaseDeadline);
    }

    [Theory]
    [InlineData(1, new[] { 1, 2, 0 })]
    [InlineData(2, new[] { 2, 0, 1 })]
    [InlineData(3, new[] { 0, 1, 2 })]
    [InlineData(7, new[] { 1, 2, 0 })]
    public void Shards_rotate_with_the_round_index(int index, int[] shards)
    {
        var round = Joined(OpenRound(index), "a", "b", "c");
        Assert.Equal([0, 1, 2], round.Participants.Select(p => p.Slot));
        Assert.Equal(shards, round.Participants.Select(p => p.Shard));
    }

    [Fact]
    public void A_full_round_starts_training_with_the_training_deadline()
    {
        var full = Joined(OpenRound(), "a", "b", "c");
        Assert.Equal(RoundStatus.Open, full.Status);
        var training = RoundMachine.StartTrainingIfFull(full, Spec, T0.AddSeconds(3));
        Assert.Equal(RoundStatus.Training, training.Status);
        Assert.Equal(T0.AddSeconds(3), training.TrainingAt);
        Assert.Equal(T0.AddSeconds(603), training.PhaseDeadline);
        Assert.Equal(full.Participants, training.Participants);
    }

    [Fact]
    public void A_round_that_is_not_full_keeps_waiting()
    {
        var partial = Joined(OpenRound(), "a", "b");
        Assert.Same(partial, RoundMachine.StartTrainingIfFull(partial, Spec, T0.AddSeconds(3)));
    }

    [Fact]
    public void Joining_twice_is_a_conflict()
    {
        var round = Joined(OpenRound(), "a");
        var refusal = Refused(RoundMachine.Join(round, "a", T0.AddSeconds(5)), RefusalKind.Conflict);
        Assert.Equal("Conflict", refusal.Title);
        Assert.Equal("node a already joined round j0123456789ab-r0", refusal.Detail);
    }

    [Fact]
    public void Joining_a_full_round_is_a_conflict()
    {
        var round = Joined(OpenRound(), "a", "b", "c");
        var refusal = Refused(RoundMachine.Join(round, "d", T0.AddSeconds(5)), RefusalKind.Conflict);
        Assert.Equal("round j0123456789ab-r0 is full (3 nodes)", refusal.Detail);
    }

    [Fact]
    public void Joining_a_round_that_is_not_open_is_a_conflict()
    {
        var refusal = Refused(RoundMachine.Join(Training(), "d", T0.AddSeconds(5)), RefusalKind.Conflict);
        Assert.Equal("round j0123456789ab-r0 is training, not open for joining", refusal.Detail);
        Refused(RoundMachine.Join(Validating(), "d", T0.AddSeconds(700)), RefusalKind.Conflict);
    }

    // ---- submit ----

    [Fact]
    public void Submitting_marks_the_participant_with_its_blob_and_time()
    {
        var round = Ok(RoundMachine.Submit(Training(), "b", 1, "upd-b", T0.AddSeconds(50)));
        Assert.Equal(new ParticipantRecord("b", 1, 1, ParticipantStatus.Submitted, T0.AddSeconds(2), "upd-b", T0.AddSeconds(50)), round.Participants[1]);
        Assert.Equal([ParticipantStatus.Joined, ParticipantStatus.Submitted, ParticipantStatus.Joined], round.Participants.Select(p => p.Status));
        Assert.Equal(RoundStatus.Training, round.Status);
    }

    [Fact]
    public void Submitting_for_another_attempt_is_a_conflict()
    {
        var refusal = Refused(RoundMachine.Submit(Training(), "a", 2, "upd-a", T0.AddSeconds(50)), RefusalKind.Conflict);
        Assert.Equal("round j0123456789ab-r0 is at attempt 1; attempt 2 is over", refusal.Detail);
    }

    [Fact]
    public void Submitting_without_having_joined_is_forbidden()
    {
        var refusal = Refused(RoundMachine.Submit(Training(), "z", 1, "upd-z", T0.AddSeconds(50)), RefusalKind.Forbidden);
        Assert.Equal("Forbidden", refusal.Title);
        Assert.Equal("node z did not join round j0123456789ab-r0", refusal.Detail);
    }

    [Fact]
    public void Resubmitting_the_same_blob_is_idempotent()
    {
        var once = Ok(RoundMachine.Submit(Training(), "a", 1, "upd-a", T0.AddSeconds(50)));
        var twice = Ok(RoundMachine.Submit(once, "a", 1, "upd-a", T0.AddSeconds(90)));
        Assert.Same(once, twice);
        Assert.Equal(T0.AddSeconds(50), twice.Participants[0].SubmittedAt);
    }

    [Fact]
    public void Submitting_another_blob_after_delivering_is_a_conflict()
    {
        var once = Ok(RoundMachine.Submit(Training(), "a", 1, "upd-a", T0.AddSeconds(50)));
        var refusal = Refused(RoundMachine.Submit(once, "a", 1, "upd-other", T0.AddSeconds(90)), RefusalKind.Conflict);
        Assert.Equal("node a already delivered another update for round j0123456789ab-r0", refusal.Detail);
    }

    [Fact]
    public void A_dropped_node_cannot_deliver_late()
    {
        var validating = Validating();
        var refusal = Refused(RoundMachine.Submit(validating, "c", 1, "upd-c", T0.AddSeconds(700)), RefusalKind.Conflict);
        Assert.Equal("round j0123456789ab-r0 no longer accepts updates from c (it is validating)", refusal.Detail);
    }

    // ---- tick ----

    [Fact]
    public void Tick_before_any_deadline_changes_nothing()
    {
        var open = Joined(OpenRound(), "a");
        var ticked = RoundMachine.Tick(open, Spec, T0.AddSeconds(19));
        Assert.Same(open, ticked.Round);
        Assert.Empty(ticked.Happened);
        Assert.False(ticked.Retry);
        var training = Training();
        Assert.Same(training, RoundMachine.Tick(training, Spec, T0.AddSeconds(602)).Round);
    }

    [Fact]
    public void Open_deadline_with_fewer_than_min_nodes_extends_the_join_window()
    {
        var ticked = RoundMachine.Tick(Joined(OpenRound(), "a"), Spec, T0.AddSeconds(25));
        Assert.Equal(RoundStatus.Open, ticked.Round.Status);
        Assert.Equal(T0.AddSeconds(45), ticked.Round.PhaseDeadline);
        Assert.Null(ticked.Round.TrainingAt);
        Assert.Single(ticked.Round.Participants);
        Assert.Empty(ticked.Happened);
        Assert.False(ticked.Retry);
    }

    [Fact]
    public void Open_deadline_with_min_nodes_starts_training()
    {
        var ticked = RoundMachine.Tick(Joined(OpenRound(), "a", "b"), Spec, T0.AddSeconds(20));
        Assert.Equal(RoundStatus.Training, ticked.Round.Status);
        Assert.Equal(T0.AddSeconds(20), ticked.Round.TrainingAt);
        Assert.Equal(T0.AddSeconds(620), ticked.Round.PhaseDeadline);
        var happening = Assert.Single(ticked.Happened);
        Assert.Equal(new Happening(EventTypes.TrainingStarted, null, "round 0 training with 2 nodes"), happening);
        Assert.False(ticked.Retry);
    }

    [Fact]
    public void The_last_delivery_starts_validation_before_the_deadline()
    {
        var round = Training();
        foreach (var node in new[] { "a", "b", "c" })
            round = Ok(RoundMachine.Submit(round, node, 1, "upd-" + node, T0.AddSeconds(100)));
        var ticked = RoundMachine.Tick(round, Spec, T0.AddSeconds(101));
        Assert.Equal(RoundStatus.Validating, ticked.Round.Status);
        Assert.Equal(T0.AddSeconds(101), ticked.Round.ValidatingAt);
        Assert.Equal(T0.AddSeconds(401), ticked.Round.PhaseDeadline);
        Assert.Null(ticked.Round.Validator);
        Assert.Equal([new Happening(EventTypes.ValidationStarted, null, "round 0: all 3 updates in")], ticked.Happened);
        Assert.False(ticked.Retry);
    }

    [Fact]
    public void Training_deadline_drops_late_nodes_and_validates_with_min_deliveries()
    {
        var round = Training();
        round = Ok(RoundMachine.Submit(round, "a", 1, "upd-a", T0.AddSeconds(100)));
        round = Ok(RoundMachine.Submit(round, "c", 1, "upd-c", T0.AddSeconds(200)));
        var ticked = RoundMachine.Tick(round, Spec, T0.AddSeconds(603));
        Assert.Equal(RoundStatus.Validating, ticked.Round.Status);
        Assert.Equal([ParticipantStatus.Submitted, ParticipantStatus.Dropped, ParticipantStatus.Submitted], ticked.Round.Participants.Select(p => p.Status));
        Assert.Null(ticked.Round.Participants[1].UpdateBlob);
        Assert.Equal(T0.AddSeconds(603), ticked.Round.ValidatingAt);
        Assert.Equal(T0.AddSeconds(903), ticked.Round.PhaseDeadline);
        Assert.Equal(
            [new Happening(EventTypes.NodeDropped, "b", "round 0: node missed the training deadline"),
             new Happening(EventTypes.ValidationStarted, null, "round 0: 2 updates in at the deadline")],
            ticked.Happened);
        Assert.False(ticked.Retry);
    }

    [Fact]
    public void Training_deadline_with_too_few_deliveries_retries()
    {
        var round = Ok(RoundMachine.Submit(Training(), "a", 1, "upd-a", T0.AddSeconds(100)));
        var ticked = RoundMachine.Tick(round, Spec, T0.AddSeconds(700));
        Assert.True(ticked.Retry);
        Assert.Equal(RoundStatus.Done, ticked.Round.Status);
        Assert.Equal(T0.AddSeconds(700), ticked.Round.DoneAt);
        Assert.Equal(T0.AddSeconds(700), ticked.Round.PhaseDeadline);
        Assert.Null(ticked.Round.ValidatingAt);
        Assert.Null(ticked.Round.NewModel);
        Assert.Equal([ParticipantStatus.Submitted, ParticipantStatus.Dropped, ParticipantStatus.Dropped], ticked.Round.Participants.Select(p => p.Status));
        Assert.Equal(
            [new Happening(EventTypes.NodeDropped, "b", "round 0: node missed the training deadline"),
             new Happening(EventTypes.NodeDropped, "c", "round 0: node missed the training deadline"),
             new Happening(EventTypes.RoundRetried, null, "round 0: only 1 of at least 2 updates arrived")],
            ticked.Happened);
    }

    [Fact]
    public void A_lapsed_validation_lease_frees_the_round()
    {
        var leased = Ok(RoundMachine.TakeValidation(Validating(), "v1", Spec, T0.AddSeconds(610)));
        Assert.Same(leased, RoundMachine.Tick(leased, Spec, T0.AddSeconds(909)).Round);
        var ticked = RoundMachine.Tick(leased, Spec, T0.AddSeconds(910));
        Assert.Equal(RoundStatus.Validating, ticked.Round.Status);
        Assert.Null(ticked.Round.Validator);
        Assert.Equal(T0.AddSeconds(910), ticked.Round.PhaseDeadline);
        Assert.Empty(ticked.Happened);
        Assert.False(ticked.Retry);
    }

    [Fact]
    public void An_unleased_validating_round_does_not_tick()
    {
        var validating = Validating();
        Assert.Same(validating, RoundMachine.Tick(validating, Spec, T0.AddSeconds(5000)).Round);
    }

    // ---- validation lease ----

    [Fact]
    public void Taking_validation_leases_the_round_to_the_validator()
    {
        var leased = Ok(RoundMachine.TakeValidation(Validating(), "v1", Spec, T0.AddSeconds(610)));
        Assert.Equal("v1", leased.Validator);
        Assert.Equal(T0.AddSeconds(910), leased.PhaseDeadline);
        Assert.Equal(RoundStatus.Validating, leased.Status);
    }

    [Fact]
    public void Another_validator_cannot_take_a_live_lease_but_may_after_it_lapses()
    {
        var leased = Ok(RoundMachine.TakeValidation(Validating(), "v1", Spec, T0.AddSeconds(610)));
        var refusal = Refused(RoundMachine.TakeValidation(leased, "v2", Spec, T0.AddSeconds(909)), RefusalKind.Conflict);
        Assert.Equal("round j0123456789ab-r0 is being validated by v1 until 2025-03-01 12:15:10Z", refusal.Detail);
        var taken = Ok(RoundMachine.TakeValidation(leased, "v2", Spec, T0.AddSeconds(910)));
        Assert.Equal("v2", taken.Validator);
        Assert.Equal(T0.AddSeconds(1210), taken.PhaseDeadline);
    }

    [Fact]
    public void The_lease_holder_may_renew()
    {
        var leased = Ok(RoundMachine.TakeValidation(Validating(), "v1", Spec, T0.AddSeconds(610)));
        var renewed = Ok(RoundMachine.TakeValidation(leased, "v1", Spec, T0.AddSeconds(800)));
        Assert.Equal("v1", renewed.Validator);
        Assert.Equal(T0.AddSeconds(1100), renewed.PhaseDeadline);
    }

    [Fact]
    public void Only_a_validating_round_can_be_taken()
    {
        var refusal = Refused(RoundMachine.TakeValidation(Training(), "v1", Spec, T0.AddSeconds(10)), RefusalKind.Conflict);
        Assert.Equal("round j0123456789ab-r0 is training, not waiting for validation", refusal.Detail);
        Refused(RoundMachine.TakeValidation(OpenRound(), "v1", Spec, T0), RefusalKind.Conflict);
    }

    // ---- results ----

    private static RoundRecord Leased() => Ok(RoundMachine.TakeValidation(Validating(), "v1", Spec, T0.AddSeconds(610)));

    [Fact]
    public void A_result_from_the_lease_holder_with_one_verdict_per_delivery_passes()
    {
        var round = Leased();
        Assert.Null(RoundMachine.CheckResult(round, Result(round), "v1"));
        // Verdict order does not matter.
        Assert.Null(RoundMachine.CheckResult(round, Result(round, "v1", Verdict("b", false), Verdict("a", true)), "v1"));
    }

    [Fact]
    public void A_result_for_a_round_not_validating_is_a_conflict()
    {
        var round = Training();
        var refusal = RoundMachine.CheckResult(round, Result(round), "v1");
        Assert.Equal(RefusalKind.Conflict, refusal!.Kind);
        Assert.Equal("round j0123456789ab-r0 is training, not waiting for a result", refusal.Detail);
    }

    [Fact]
    public void A_result_for_another_attempt_or_round_is_a_conflict()
    {
        var round = Leased();
        var wrongAttempt = RoundMachine.CheckResult(round, Result(round) with { Attempt = 2 }, "v1");
        Assert.Equal(RefusalKind.Conflict, wrongAttempt!.Kind);
        Assert.Equal("the result is for j0123456789ab-r0 attempt 2, the round is at attempt 1", wrongAttempt.Detail);
        var wrongRound = RoundMachine.CheckResult(round, Result(round) with { RoundId = "j0123456789ab-r1" }, "v1");
        Assert.Equal(RefusalKind.Conflict, wrongRound!.Kind);
    }

    [Fact]
    public void A_result_from_someone_without_the_lease_is_forbidden()
    {
        var round = Leased();
        var notHolder = RoundMachine.CheckResult(round, Result(round, "v2"), "v2");
        Assert.Equal(RefusalKind.Forbidden, notHolder!.Kind);
        Assert.Equal("round j0123456789ab-r0 is leased to v1, not to v2", notHolder.Detail);
        // The holder relaying a result that names another validator.
        Assert.Equal(RefusalKind.Forbidden, RoundMachine.CheckResult(round, Result(round, "v2"), "v1")!.Kind);
        var unleased = Validating();
        Assert.Equal("round j0123456789ab-r0 is leased to nobody, not to v1", RoundMachine.CheckResult(unleased, Result(unleased), "v1")!.Detail);
    }

    [Fact]
    public void A_result_from_another_base_model_is_invalid()
    {
        var round = Leased();
        var refusal = RoundMachine.CheckResult(round, Result(round) with { BaseModel = "model9" }, "v1");
        Assert.Equal(RefusalKind.Invalid, refusal!.Kind);
        Assert.Equal("Invalid request", refusal.Title);
        Assert.Equal("the result starts from model9, the round from model0", refusal.Detail);
    }

    [Fact]
    public void A_result_must_judge_exactly_the_delivered_updates()
    {
        var round = Leased();
        UpdateVerdict[][] wrong =
        [
            [Verdict("a", true)], // b is missing
            [Verdict("a", true), Verdict("b", true), Verdict("c", true)], // c was dropped
            [Verdict("a", true), Verdict("a", true)], // a twice, b missing
            [Verdict("a", true), Verdict("b", true), Verdict("b", true)], // b twice
        ];
        foreach (var verdicts in wrong)
        {
            var refusal = RoundMachine.CheckResult(round, Result(round, "v1", verdicts), "v1");
            Assert.Equal(RefusalKind.Invalid, refusal!.Kind);
            Assert.Equal("the result must hold exactly one verdict per delivered update", refusal.Detail);
        }
    }

    [Fact]
    public void Finish_with_enough_accepted_updates_closes_the_round_with_the_new_model()
    {
        var round = Leased();
        var finished = RoundMachine.Finish(round, Result(round), T0.AddSeconds(700));
        Assert.False(finished.Retry);
        Assert.Equal(RoundStatus.Done, finished.Round.Status);
        Assert.Equal(T0.AddSeconds(700), finished.Round.DoneAt);
        Assert.Equal(T0.AddSeconds(700), finished.Round.PhaseDeadline);
        Assert.Equal("model1", finished.Round.NewModel);
        Assert.Equal(Metrics, finished.Round.Metrics);
        Assert.Equal("v1", finished.Round.Validator);
        Assert.Equal([EventTypes.UpdateScored, EventTypes.UpdateScored, EventTypes.RoundDone], finished.Happened.Select(h => h.Type));
        Assert.Equal(["a", "b", null], finished.Happened.Select(h => h.Node));
        Assert.Equal("round 0: accepted, holdout loss 2.3000 → 1.2000", finished.Happened[0].Message);
        Assert.Equal(Metrics, finished.Happened[2].Data);
        // An lm round (its model a GPT preset) reads its verdicts as held-out loss and perplexity.
        var lm = RoundMachine.Finish(round with { Model = LmJobSpec.GptTiny }, Result(round), T0.AddSeconds(700));
        Assert.Equal("round 0: accepted, held-out loss 2.3000 → 1.2000, perplexity 9.97 → 3.32", lm.Happened[0].Message);
    }

    [Fact]
    public void Finish_with_fewer_than_min_accepted_updates_retries()
    {
        var round = Leased();
        var finished = RoundMachine.Finish(round, Result(round, "v1", Verdict("a", true), Verdict("b", false)), T0.AddSeconds(700));
        Assert.True(finished.Retry);
        Assert.Equal(RoundStatus.Done, finished.Round.Status);
        Assert.Equal(T0.AddSeconds(700), finished.Round.DoneAt);
        Assert.Null(finished.Round.NewModel);
        Assert.Null(finished.Round.Metrics);
        Assert.Equal(
            [new Happening(EventTypes.UpdateScored, "a", "round 0: accepted, holdout loss 2.3000 → 1.2000", Verdict("a", true)),
             new Happening(EventTypes.UpdateScored, "b", "round 0: rejected: NaN in the update", Verdict("b", false)),
             new Happening(EventTypes.RoundRetried, null, "round 0: only 1 of at least 2 updates accepted")],
            finished.Happened);
    }
}
