using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordination.Tests.RoundMachineTests;

namespace TrainSwarm.Coordination.Tests;

/// <summary>Agreement among several validators: the quorum decision, seats with leases, and votes in the round machine.</summary>
public class QuorumTests
{
    private static readonly JobSpec Three = Spec with { Validators = 3 };

    private static VoteRecord V(string validator, string agreement) => new(validator, agreement, T0);

    [Fact]
    public void Two_of_three_equal_votes_agree_and_the_third_dissents()
    {
        var d = Quorum.Decide([V("v1", "x"), V("v2", "y"), V("v3", "x")], 3, 2);
        Assert.Equal((QuorumState.Agreed, "x"), (d.State, d.Agreed));
        Assert.Equal(["v1", "v3"], d.Agreeing);
        Assert.Equal(["v2"], d.Dissenting);
    }

    [Fact]
    public void A_quorum_can_form_before_every_vote_is_in()
    {
        var d = Quorum.Decide([V("v1", "x"), V("v2", "x")], 3, 2);
        Assert.Equal((QuorumState.Agreed, 2, 0), (d.State, d.Agreeing.Count, d.Dissenting.Count));
    }

    [Theory]
    [InlineData(new[] { "x" }, 3, 2, QuorumState.Pending)]
    [InlineData(new[] { "x", "y" }, 3, 2, QuorumState.Pending)]
    [InlineData(new[] { "x", "y", "z" }, 3, 2, QuorumState.NoQuorum)]
    [InlineData(new[] { "x", "y" }, 3, 3, QuorumState.NoQuorum)]
    [InlineData(new[] { "x", "x", "y" }, 3, 3, QuorumState.NoQuorum)]
    [InlineData(new[] { "x", "x", "x" }, 3, 3, QuorumState.Agreed)]
    [InlineData(new[] { "x", "y", "x", "y" }, 5, 3, QuorumState.Pending)]
    [InlineData(new[] { "x", "y", "z", "w" }, 5, 3, QuorumState.NoQuorum)]
    [InlineData(new string[0], 1, 1, QuorumState.Pending)]
    public void Without_a_quorum_the_votes_stay_pending_until_none_can_form(string[] agreements, int n, int q, QuorumState expected)
    {
        var votes = agreements.Select((a, i) => V($"v{i}", a)).ToList();
        Assert.Equal(expected, Quorum.Decide(votes, n, q).State);
    }

    [Fact]
    public void A_quorum_below_a_majority_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Quorum.Decide([], 4, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quorum.Decide([], 3, 4));
    }

    [Fact]
    public void The_agreement_key_ignores_the_signer_and_sees_every_other_field()
    {
        var r = Result("v1", "model1");
        Assert.Equal(Quorum.AgreementKey(r), Quorum.AgreementKey(r with { Validator = "v2" }));
        Assert.NotEqual(Quorum.AgreementKey(r), Quorum.AgreementKey(r with { NewModel = "model2" }));
        Assert.NotEqual(Quorum.AgreementKey(r), Quorum.AgreementKey(r with { Metrics = r.Metrics with { HoldoutAccuracy = 0.61 } }));
        Assert.Matches("^[0-9a-f]{64}$", Quorum.AgreementKey(r));
    }

    [Fact]
    public void Job_spec_defaults_to_one_validator_and_a_majority_quorum()
    {
        Assert.Equal((1, 1), (new JobSpec().ValidatorCount, new JobSpec().QuorumSize));
        Assert.Equal((3, 2), (Three.ValidatorCount, Three.QuorumSize));
        Assert.Equal((4, 3), ((Spec with { Validators = 4 }).ValidatorCount, (Spec with { Validators = 4 }).QuorumSize));
        Assert.Empty(JobSpecRules.Validate(Spec with { Validators = 3, Quorum = 3 }));
        Assert.Equal(["quorum"], JobSpecRules.Validate(Spec with { Validators = 3, Quorum = 1 }).Keys);
        Assert.Equal(["quorum"], JobSpecRules.Validate(Spec with { Validators = 3, Quorum = 4 }).Keys);
        Assert.Equal(["validators"], JobSpecRules.Validate(Spec with { Validators = 17 }).Keys);
        Assert.Equal(["validators"], JobSpecRules.Validate(Spec with { Validators = 0 }).Keys);
        // Stored specs without the fields stay byte for byte the same.
        Assert.DoesNotContain("validators", SwarmJson.Serialize(new JobSpec()), StringComparison.Ordinal);
        Assert.DoesNotContain("quorum", SwarmJson.Serialize(new JobSpec()), StringComparison.Ordinal);
    }

    // ---- seats and votes in the round machine ----

    /// <summary>Round 0 of a three-validator job, validating with a and b delivered, since T0+603 s.</summary>
    private static RoundRecord Validating()
    {
        var round = RoundMachine.Open(Job(Three), 0, 1, "model0", T0);
        foreach (var node in new[] { "a", "b" })
            round = Ok(RoundMachine.Join(round, node, T0.AddSeconds(1)));
        round = RoundMachine.Tick(round, Three, T0.AddSeconds(21)).Round;
        round = Ok(RoundMachine.Submit(round, "a", 1, "upd-a", T0.AddSeconds(100)));
        round = Ok(RoundMachine.Submit(round, "b", 1, "upd-b", T0.AddSeconds(200)));
        round = RoundMachine.Tick(round, Three, T0.AddSeconds(603)).Round;
        Assert.Equal(RoundStatus.Validating, round.Status);
        return round;
    }

    private static RoundResult Result(string validator, string newModel, RoundRecord? round = null)
    {
        round ??= Validating();
        return new(round.Id, round.Attempt, validator, round.BaseModel, newModel, "fedavg", null,
            [new("a", "upd-a", true, null, 100, 10, 1.5, 2.3, 0.1, 1.2, 0.6, 0.5), new("b", "upd-b", true, null, 100, 10, 1.5, 2.3, 0.1, 1.2, 0.6, 0.5)],
            Metrics);
    }

    private static VoteOutcome Vote(RoundRecord round, string validator, string newModel, int second = 700)
    {
        var result = Result(validator, newModel, round);
        return Ok(RoundMachine.Vote(round, result, validator, Quorum.AgreementKey(result), Three, T0.AddSeconds(second)));
    }

    private static RoundRecord Seated(params string[] validators)
    {
        var round = Validating();
        foreach (var v in validators)
            round = Ok(RoundMachine.TakeSeat(round, v, Three, T0.AddSeconds(610)));
        return round;
    }

    [Fact]
    public void Up_to_n_validators_take_seats_with_leases_and_a_fourth_is_refused()
    {
        var round = Seated("v1", "v2", "v3");
        Assert.Equal(["v1", "v2", "v3"], round.Seats!.Select(s => s.Validator));
        Assert.All(round.Seats!, s => Assert.Equal(T0.AddSeconds(910), s.LeaseUntil));
        Assert.Equal(RefusalKind.Conflict, RoundMachine.TakeSeat(round, "v4", Three, T0.AddSeconds(620)).Refusal!.Kind);
        // Renewing keeps one seat per validator.
        var renewed = Ok(RoundMachine.TakeSeat(round, "v2", Three, T0.AddSeconds(700)));
        Assert.Equal(3, renewed.Seats!.Count);
        Assert.Equal(T0.AddSeconds(1000), renewed.Seats!.Single(s => s.Validator == "v2").LeaseUntil);
        // A lapsed seat goes to the next validator that asks.
        var retaken = Ok(RoundMachine.TakeSeat(renewed, "v4", Three, T0.AddSeconds(950)));
        Assert.Equal(["v2", "v4"], retaken.Seats!.Select(s => s.Validator));
    }

    [Fact]
    public void A_one_validator_round_keeps_no_seats_or_votes()
    {
        var round = RoundMachine.Open(Job(), 0, 1, "model0", T0);
        Assert.Null(round.Seats);
        Assert.Null(round.Votes);
        Assert.DoesNotContain("seats", SwarmJson.Serialize(round), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_agreeing_votes_accept_the_round_with_the_first_poster_as_its_validator()
    {
        var round = Seated("v1", "v2", "v3");
        var first = Vote(round, "v1", "model1");
        Assert.Equal(VoteDecision.Pending, first.Decision);
        Assert.Equal(RoundStatus.Validating, first.Round.Status);
        Assert.Equal(EventTypes.ResultPosted, Assert.Single(first.Happened).Type);
        var second = Vote(first.Round, "v3", "model1", 710);
        Assert.Equal(VoteDecision.Accepted, second.Decision);
        Assert.Equal(["v1", "v3"], second.Agreeing);
        Assert.Empty(second.Dissenting);
        Assert.Equal("v1", second.Round.Validator);
        Assert.NotNull(second.Round.Agreed);
        Assert.All(second.Round.Votes!, v => Assert.True(v.Agrees));
        // The round machine finishes it with that result as with one validator.
        var done = RoundMachine.Finish(second.Round, Result("v1", "model1", round), T0.AddSeconds(710));
        Assert.Equal((RoundStatus.Done, "model1", false), (done.Round.Status, done.Round.NewModel, done.Retry));
        Assert.Equal(second.Round.Votes, done.Round.Votes);
    }

    [Fact]
    public void A_wrong_vote_before_the_quorum_is_a_dissent_and_one_after_it_is_a_late_dissent()
    {
        var round = Seated("v1", "v2", "v3");
        var liar = Vote(round, "v2", "model-lie");
        var h1 = Vote(liar.Round, "v1", "model1", 701);
        Assert.Equal(VoteDecision.Pending, h1.Decision);
        var h3 = Vote(h1.Round, "v3", "model1", 702);
        Assert.Equal(VoteDecision.Accepted, h3.Decision);
        Assert.Equal(["v1", "v3"], h3.Agreeing);
        Assert.Equal(["v2"], h3.Dissenting);
        Assert.Contains(h3.Happened, h => h.Type == EventTypes.ValidatorDissented && h.Message.Contains("v2", StringComparison.Ordinal));
        Assert.False(h3.Round.Votes!.Single(v => v.Validator == "v2").Agrees);

        // Now the liar posts last: the round is already accepted (and done); the vote is recorded as a late dissent.
        var accepted = Vote(Vote(round, "v1", "model1").Round, "v3", "model1", 701);
        var done = RoundMachine.Finish(accepted.Round, Result("v1", "model1", round), T0.AddSeconds(701)).Round;
        var late = Vote(done, "v2", "model-lie", 900);
        Assert.Equal(VoteDecision.Late, late.Decision);
        Assert.Equal(["v2"], late.Dissenting);
        Assert.Equal(RoundStatus.Done, late.Round.Status);
        var recorded = late.Round.Votes!.Single(v => v.Validator == "v2");
        Assert.Equal((false, true), (recorded.Agrees, recorded.Late));
        Assert.Contains(late.Happened, h => h.Type == EventTypes.ValidatorDissented);
    }

    [Fact]
    public void An_agreeing_vote_after_the_quorum_is_recorded_late_as_agreeing_and_a_repeat_changes_nothing()
    {
        var round = Seated("v1", "v2", "v3");
        var accepted = Vote(Vote(round, "v1", "model1").Round, "v2", "model1", 701);
        var done = RoundMachine.Finish(accepted.Round, Result("v1", "model1", round), T0.AddSeconds(701)).Round;
        var late = Vote(done, "v3", "model1", 900);
        Assert.Equal(VoteDecision.Late, late.Decision);
        Assert.Equal(["v3"], late.Agreeing);
        Assert.Empty(late.Dissenting);
        Assert.DoesNotContain(late.Happened, h => h.Type == EventTypes.ValidatorDissented);
        var recorded = late.Round.Votes!.Single(v => v.Validator == "v3");
        Assert.Equal((true, true), (recorded.Agrees, recorded.Late));
        Assert.Equal(VoteDecision.Repeated, Vote(late.Round, "v3", "model1", 901).Decision);
    }

    [Fact]
    public void Three_different_results_reach_no_quorum_and_close_the_attempt()
    {
        var round = Seated("v1", "v2", "v3");
        var a = Vote(round, "v1", "m1");
        var b = Vote(a.Round, "v2", "m2");
        Assert.Equal(VoteDecision.Pending, b.Decision);
        var c = Vote(b.Round, "v3", "m3");
        Assert.Equal(VoteDecision.NoQuorum, c.Decision);
        Assert.Equal(RoundStatus.Done, c.Round.Status);
        Assert.Null(c.Round.NewModel);
        Assert.Null(c.Round.Agreed);
        Assert.Contains(c.Happened, h => h.Type == EventTypes.RoundRetried);
    }

    [Fact]
    public void A_validator_votes_once_a_repeat_of_the_same_result_changes_nothing_and_an_unseated_one_is_refused()
    {
        var round = Seated("v1", "v2");
        var first = Vote(round, "v1", "model1");
        Assert.Equal(VoteDecision.Repeated, Vote(first.Round, "v1", "model1").Decision);
        var other = Result("v1", "model2", round);
        Assert.Equal(RefusalKind.Conflict, RoundMachine.Vote(first.Round, other, "v1", Quorum.AgreementKey(other), Three, T0.AddSeconds(701)).Refusal!.Kind);
        Assert.Equal(RefusalKind.Conflict, RoundMachine.TakeSeat(first.Round, "v1", Three, T0.AddSeconds(702)).Refusal!.Kind);
        var stranger = Result("v9", "model1", round);
        Assert.Equal(RefusalKind.Forbidden,
            RoundMachine.Vote(first.Round, stranger, "v9", Quorum.AgreementKey(stranger), Three, T0.AddSeconds(703)).Refusal!.Kind);
        var forged = Result("v1", "model1", round);
        Assert.Equal(RefusalKind.Forbidden, RoundMachine.Vote(first.Round, forged, "v2", Quorum.AgreementKey(forged), Three, T0.AddSeconds(704)).Refusal!.Kind);
    }
}
