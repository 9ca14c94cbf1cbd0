using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

/// <summary>States on demand: who may ask, what may be asked, the window, and why a withheld state stays withheld.</summary>
public class StateRequestsTests
{
    private static readonly DateTimeOffset T0 = RoundMachineTests.T0;
    private static readonly JobSpec Spec = RoundMachineTests.Spec with { StateWindowSeconds = 30 };
    private static readonly string S4 = new('4', 64), S8 = new('8', 64), Last = new('f', 64);

    private static readonly Dictionary<string, TrainingReceipt> Receipts = new(StringComparer.Ordinal)
    {
        ["a"] = Receipt("a"),
        ["b"] = Receipt("b"),
    };

    private static TrainingReceipt Receipt(string node) => new(
        RoundMachineTests.JobId, "r", 1, node, "model0", 0, 3, 1, 10, 320, [2f], 0,
        [new Commitment(4, new string('1', 64), S4), new Commitment(8, new string('2', 64), S8), new Commitment(10, new string('3', 64), Last)],
        new string('d', 64), "f32", "fashion-mnist");

    // A validating attempt leased to validator "v" until T0 + 300 s.
    private static RoundRecord Validating() => new(
        "r", RoundMachineTests.JobId, 0, 1, RoundStatus.Validating, 1, "model0", "fashion-mnist", "mlp", 2, 3, 10, 32, T0, T0, T0, null,
        T0.AddSeconds(300), null, "v", null,
        [
            new ParticipantRecord("a", 0, 0, ParticipantStatus.Submitted, T0, "x", T0),
            new ParticipantRecord("b", 1, 1, ParticipantStatus.Submitted, T0, "y", T0),
        ]);

    private static readonly Dictionary<(string, string), StateRequestRecord> None = [];

    private static StateRequestBatch Batch(params (string Node, string State)[] states) =>
        new(1, states.Select(s => new RequestedState(s.Node, s.State)).ToList());

    [Fact]
    public void A_request_fixes_its_deadline_at_the_window_and_names_the_committed_step()
    {
        var added = Ok(StateRequests.Request(Validating(), Spec, "v", Batch(("a", S4), ("b", S8), ("a", S4)), Receipts, None, T0.AddSeconds(5)));

        Assert.Equal(2, added.Count);
        Assert.Equal(("a", S4, 4, T0.AddSeconds(35)), (added[0].Node, added[0].State, added[0].Step, added[0].Deadline));
        Assert.Equal(8, added[1].Step);
        Assert.All(added, r => Assert.Equal(StateRequestStatus.Pending, StateRequests.Status(r, T0.AddSeconds(34))));
    }

    [Fact]
    public void A_second_request_of_the_same_state_keeps_the_first_deadline()
    {
        var first = Ok(StateRequests.Request(Validating(), Spec, "v", Batch(("a", S4)), Receipts, None, T0))[0];
        var existing = new Dictionary<(string, string), StateRequestRecord> { [("a", S4)] = first };

        Assert.Empty(Ok(StateRequests.Request(Validating(), Spec, "v", Batch(("a", S4)), Receipts, existing, T0.AddSeconds(20))));
    }

    [Fact]
    public void Only_the_validator_holding_the_round_may_ask_and_only_for_committed_states()
    {
        Assert.Equal(RefusalKind.Forbidden, StateRequests.Request(Validating(), Spec, "w", Batch(("a", S4)), Receipts, None, T0).Refusal!.Kind);
        // The lease lapsed.
        Assert.Equal(RefusalKind.Forbidden, StateRequests.Request(Validating(), Spec, "v", Batch(("a", S4)), Receipts, None, T0.AddSeconds(300)).Refusal!.Kind);
        Assert.Equal(RefusalKind.Invalid, StateRequests.Request(Validating(), Spec, "v", Batch(("a", new string('9', 64))), Receipts, None, T0).Refusal!.Kind);
        Assert.Equal(RefusalKind.Invalid, StateRequests.Request(Validating(), Spec, "v", Batch(("c", S4)), Receipts, None, T0).Refusal!.Kind);
        Assert.Equal(RefusalKind.Invalid, StateRequests.Request(Validating(), Spec, "v", Batch(), Receipts, None, T0).Refusal!.Kind);
        Assert.Equal(RefusalKind.Conflict,
            StateRequests.Request(Validating() with { Status = RoundStatus.Done }, Spec, "v", Batch(("a", S4)), Receipts, None, T0).Refusal!.Kind);
        Assert.Equal(RefusalKind.Conflict,
            StateRequests.Request(Validating(), Spec, "v", new StateRequestBatch(2, [new("a", S4)]), Receipts, None, T0).Refusal!.Kind);
    }

    [Fact]
    public void A_quorum_seat_holder_may_ask()
    {
        var spec = Spec with { Validators = 3 };
        var round = Validating() with { Validator = null, Seats = [new SeatRecord("v2", T0.AddSeconds(100))] };

        Assert.Single(Ok(StateRequests.Request(round, spec, "v2", Batch(("b", S8)), Receipts, None, T0)));
        Assert.Equal(RefusalKind.Forbidden, StateRequests.Request(round, spec, "v", Batch(("b", S8)), Receipts, None, T0).Refusal!.Kind);
    }

    [Fact]
    public void The_node_answers_after_uploading_inside_the_window_and_a_late_answer_is_refused_so_withheld_stays_withheld()
    {
        var request = Ok(StateRequests.Request(Validating(), Spec, "v", Batch(("a", S4)), Receipts, None, T0))[0];
        var existing = new Dictionary<(string, string), StateRequestRecord> { [("a", S4)] = request };
        var answer = new StateAnswer(1, [S4]);

        // Not uploaded yet.
        Assert.Equal(RefusalKind.Invalid, StateRequests.Answer(Validating(), "a", answer, existing, _ => false, T0.AddSeconds(1)).Refusal!.Kind);
        var answered = Ok(StateRequests.Answer(Validating(), "a", answer, existing, _ => true, T0.AddSeconds(29)))[0];
        Assert.Equal(StateRequestStatus.Answered, StateRequests.Status(answered, T0.AddSeconds(3600)));

        // At the deadline the request is withheld, and no later answer can change that.
        Assert.Equal(StateRequestStatus.Withheld, StateRequests.Status(request, T0.AddSeconds(30)));
        Assert.Equal(RefusalKind.Conflict, StateRequests.Answer(Validating(), "a", answer, existing, _ => true, T0.AddSeconds(30)).Refusal!.Kind);
        // Another node cannot answer for it, and nobody for a state nobody asked for.
        Assert.Equal(RefusalKind.NotFound, StateRequests.Answer(Validating(), "b", answer, existing, _ => true, T0.AddSeconds(1)).Refusal!.Kind);
        Assert.Equal(RefusalKind.NotFound,
            StateRequests.Answer(Validating(), "a", new StateAnswer(1, [S8]), existing, _ => true, T0.AddSeconds(1)).Refusal!.Kind);
    }

    [Fact]
    public void The_default_window_is_a_minute_capped_at_a_third_of_the_validation_lease()
    {
        Assert.Equal(60, new JobSpec().StateWindow);
        Assert.Equal(10, (new JobSpec() with { ValidateSeconds = 30 }).StateWindow);
        Assert.Equal(5, (new JobSpec() with { StateWindowSeconds = 5 }).StateWindow);
        Assert.Contains(JobSpecRules.Validate(new JobSpec() with { StateWindowSeconds = 300 }), e => e.Key == "stateWindowSeconds");
    }

    private static T Ok<T>(Result<T> result)
    {
        Assert.Null(result.Refusal);
        return result.Value!;
    }
}
