using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Protocol.Tests;

/// <summary>The id formats and limits the coordinator and the CLI share: one definition, checked exactly.</summary>
public class JobIdsTests
{
    [Theory]
    [InlineData("j0123456789ab", true)]
    [InlineData("j000000000000", true)]
    [InlineData("jffffffffffff", true)]
    [InlineData("j0123456789AB", false)] // uppercase hex is not the format
    [InlineData("j0123456789a", false)] // 11 hex
    [InlineData("j0123456789abc", false)] // 13 hex
    [InlineData("q0123456789ab", false)] // a quote id
    [InlineData("j0123456789ag", false)]
    [InlineData("nope", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_job_id_is_j_and_12_lowercase_hex_characters(string? id, bool valid) => Assert.Equal(valid, JobIds.IsValid(id));

    [Theory]
    [InlineData("q0123456789ab", true)]
    [InlineData("j0123456789ab", false)]
    [InlineData("q0123456789aB", false)]
    [InlineData("q", false)]
    public void A_quote_id_is_q_and_12_lowercase_hex_characters(string id, bool valid) => Assert.Equal(valid, JobIds.IsValidQuote(id));

    [Fact]
    public void A_quote_and_the_job_it_reserves_share_their_hex()
    {
        var job = Quote.JobIdFor("q0123456789ab");
        Assert.Equal("j0123456789ab", job);
        Assert.True(JobIds.IsValid(job));
    }

    [Theory]
    [InlineData("j0123456789ab-r0", true)]
    [InlineData("j0123456789ab-r999999", true)]
    [InlineData("j0123456789ab-r1000000", false)] // 7 digits
    [InlineData("j0123456789ab-r", false)]
    [InlineData("j0123456789ab-rx", false)]
    [InlineData("j0123456789ab_r0", false)]
    [InlineData("J0123456789ab-r0", false)]
    [InlineData("r1", false)]
    [InlineData(null, false)]
    public void A_round_id_is_a_job_id_dash_r_and_up_to_6_digits(string? id, bool valid) => Assert.Equal(valid, JobIds.IsValidRound(id));

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(86_400, true)]
    [InlineData(2_592_000, true)] // 30 days
    [InlineData(2_592_001, false)]
    [InlineData(-5, false)]
    public void A_deadline_is_5_seconds_to_30_days(long seconds, bool valid)
    {
        Assert.Equal((5, 30 * 86_400), (Bounds.MinDeadlineSeconds, Bounds.MaxDeadlineSeconds));
        Assert.Equal(valid, Bounds.IsValidDeadline(seconds));
    }
}
