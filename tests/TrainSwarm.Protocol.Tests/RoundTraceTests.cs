using System.Diagnostics;
using TrainSwarm.Protocol.Tracing;

namespace TrainSwarm.Protocol.Tests;

/// <summary>Every process derives the same trace for a round from its id alone, so a round's spans meet in one trace.</summary>
public class RoundTraceTests
{
    [Fact]
    public void A_rounds_trace_is_the_sha256_of_its_id_the_same_in_every_call()
    {
        // Golden: python3 -c "import hashlib; print(hashlib.sha256(b'trainswarm round j714381e82e73-r0').hexdigest())"
        var parent = RoundTrace.ParentOf("j714381e82e73-r0");
        Assert.Equal("97ddfc40369260d8d15fd8a7b81ca558", parent.TraceId.ToHexString());
        Assert.Equal("c5fa45e0ca68f5ad", parent.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, parent.TraceFlags);
        Assert.True(parent.IsRemote);
        Assert.Equal(parent, RoundTrace.ParentOf("j714381e82e73-r0"));
        Assert.NotEqual(parent.TraceId, RoundTrace.ParentOf("j714381e82e73-r1").TraceId);
    }

    [Fact]
    public void A_round_span_is_tagged_and_none_is_made_when_nobody_listens()
    {
        using var quiet = new ActivitySource("TrainSwarm.Protocol.Tests.Quiet");
        Assert.Null(RoundTrace.Start(quiet, "nothing", "j1-r0", "j1", 1));

        const string name = "TrainSwarm.Protocol.Tests.Heard";
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var heard = new ActivitySource(name);
        using var span = RoundTrace.Start(heard, "node round", "j1-r0", "j1", 2);
        Assert.NotNull(span);
        Assert.Equal(RoundTrace.ParentOf("j1-r0").TraceId, span.TraceId);
        Assert.Equal(RoundTrace.ParentOf("j1-r0").SpanId, span.ParentSpanId);
        Assert.Equal("j1-r0", span.GetTagItem(RoundTrace.RoundIdTag));
        Assert.Equal("j1", span.GetTagItem(RoundTrace.JobIdTag));
        Assert.Equal(2, span.GetTagItem(RoundTrace.AttemptTag));
    }
}
