using System.Net;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// An lm spec over the API: bad lm fields are a ProblemDetails 400 naming each and create nothing; a good one is quoted in tokens
/// at gpt-tiny's exact FLOPs per token, its round names the corpus and preset, and its model writes completions (another kind's
/// is a 400).
/// </summary>
public sealed class LmJobApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>, IAsyncLifetime
{
    private ActorKey _creator = null!;

    public async Task InitializeAsync() => _creator = await swarm.ActorAsync("creator");

    public Task DisposeAsync()
    {
        _creator.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("""{"kind":"lm","lm":{"preset":"gpt-huge"}}""", "lm.preset")]
    [InlineData("""{"kind":"lm","lm":{"corpus":"wikipedia"}}""", "lm.corpus")]
    [InlineData("""{"kind":"lm","lm":{"seqLen":129}}""", "lm.seqLen")]
    [InlineData("""{"kind":"lm","lm":{"innerSteps":1000001}}""", "lm.innerSteps")]
    [InlineData("""{"lm":{}}""", "lm")]
    public async Task A_bad_lm_field_is_named_and_no_job_is_created(string json, string field)
    {
        var before = await swarm.JobCountAsync();
        using var client = swarm.Client(_creator);
        using var response = await client.SendSignedRawAsync(HttpMethod.Post, Routes.Jobs,
            Utf8($$"""{"spec":{{json}},"quoteId":"q000000000000","budget":1000000,"deadlineSeconds":86400}"""), "application/json");
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal([field], ErrorFields(problem));
        Assert.Equal(before, await swarm.JobCountAsync());
    }

    [Fact]
    public async Task An_lm_job_is_quoted_in_tokens_runs_diloco_and_its_model_writes_text()
    {
        using var client = swarm.Client(_creator);
        var spec = new JobSpec { Kind = JobKinds.Lm, Rounds = 4, MaxNodes = 3 };
        var quote = await client.QuoteAsync(spec);
        Assert.Equal((614_400L, 6_418_656L, 3_944L, 44_172_800L), (quote.TrainingSamples, quote.TrainingFlopsPerSample, quote.ComputeUnits, quote.Total));
        var job = await client.SubmitJobAsync(spec, quote, quote.Total, 3600);
        Assert.Equal("diloco", job.Spec.Strategy);
        var round = await swarm.RoundOfAsync(job.Id);
        Assert.Equal(("fortunes", "gpt-tiny", 100, 8), (round.Dataset, round.Model, round.InnerSteps, round.BatchSize));
        var completions = await client.CompletionsAsync(job.Id);
        Assert.Equal(["The ", "A man ", "Love is "], completions.Select(c => c.Prompt));
        // Seeded sampling of the same model gives the same text.
        Assert.Equal(completions, await client.CompletionsAsync(job.Id));

        var image = await swarm.JobAsync(_creator);
        var refused = await Assert.ThrowsAsync<Client.SwarmApiException>(() => client.CompletionsAsync(image.Id));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }
}
