using System.Diagnostics;
using static TrainSwarm.Validator.Tests.Synthetic;

namespace TrainSwarm.Validator.Tests;

/// <summary>Scoring a round makes one <c>score update</c> span per update, under the validator's round span, naming the node and the verdict.</summary>
public class ScoringSpanTests
{
    // A constant name: the listener is asked about the source while the source is being constructed.
    private const string RoundSourceName = "TrainSwarm.Validator.Tests.Round";

    private static readonly ActivitySource RoundSource = new(RoundSourceName);

    [Fact]
    public void Each_scored_update_gets_a_span_under_the_round_span_with_its_node_and_verdict()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ValidatorTelemetry.Name || s.Name == RoundSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                    spans.Add(a);
            },
        };
        ActivitySource.AddActivityListener(listener);
        var nan = Filled(0.01f);
        nan[1].AsF32()[1] = float.NaN;

        ActivitySpanId parent;
        CandidateUpdate[] candidates;
        using (var round = RoundSource.StartActivity("validator round"))
        {
            parent = round!.SpanId;
            var scorer = UpdateScorer.Create(Spec, BaseModel(), Images(200));
            candidates = [Candidate("good", GoodDelta()), Candidate("nan", nan)];
            scorer.Score(candidates);
        }

        // Other tests score updates beside this one; only the spans under this test's round span are its own.
        List<Activity> mine;
        lock (spans)
            mine = spans.Where(s => s.ParentSpanId == parent).ToList();
        Assert.Equal(["score update", "score update"], mine.Select(s => s.DisplayName));
        Assert.Equal([true, false], mine.Select(s => s.GetTagItem("trainswarm.update.accepted")));
        Assert.Equal(["good", "nan"], mine.Select(s => s.GetTagItem("trainswarm.node")));
        Assert.All(mine, s => Assert.Equal(candidates[0].Receipt.RoundId, s.GetTagItem("trainswarm.round.id")));
        Assert.All(mine, s => Assert.Equal(candidates[0].Receipt.JobId, s.GetTagItem("trainswarm.job.id")));
    }
}
