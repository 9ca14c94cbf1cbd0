using System.Net;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>An rl spec over the API: bad rl fields are a ProblemDetails 400 naming each; a good one is quoted in env steps.</summary>
public sealed class RlJobApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>, IAsyncLifetime
{
    private ActorKey _creator = null!;

    public async Task InitializeAsync() => _creator = await swarm.ActorAsync("creator");

    public Task DisposeAsync()
    {
        _creator.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("""{"kind":"rl","rl":{"envs":0}}""", "rl.envs")]
    [InlineData("""{"kind":"rl","rl":{"gamma":2}}""", "rl.gamma")]
    [InlineData("""{"kind":"rl","rl":{"environment":"Pong-v5"}}""", "rl.environment")]
    [InlineData("""{"kind":"rl","rl":{"targetReturn":1000}}""", "rl.targetReturn")]
    [InlineData("""{"kind":"rl","rl":{"rolloutsPerRound":0}}""", "rl.rolloutsPerRound")]
    [InlineData("""{"kind":"rl","targetAccuracy":0.9}""", "targetAccuracy")]
    [InlineData("""{"kind":"chess"}""", "kind")]
    [InlineData("""{"rl":{}}""", "rl")]
    public async Task A_bad_rl_field_is_named_and_no_job_is_created(string json, string field)
    {
        var before = await swarm.JobCountAsync();
        using var client = swarm.Client(_creator);
        using var response = await client.SendSignedRawAsync(HttpMethod.Post, Routes.Jobs,
            Utf8($$"""{"spec":{{json}},"quoteId":"q000000000000","budget":1000000,"deadlineSeconds":86400}"""), "application/json");
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Invalid job spec", problem.GetProperty("title").GetString());
        Assert.Equal([field], ErrorFields(problem));
        Assert.Equal(before, await swarm.JobCountAsync());
    }

    [Fact]
    public async Task An_rl_spec_is_quoted_in_env_steps_at_the_flops_of_one_ppo_step()
    {
        using var client = swarm.Client(_creator);
        var quote = await client.QuoteAsync(new JobSpec { Kind = JobKinds.Rl, Rounds = 20, MaxNodes = 3 });
        Assert.Equal((245_760L, 1_111_607L, 274L, 3_068_800L), (quote.TrainingSamples, quote.TrainingFlopsPerSample, quote.ComputeUnits, quote.Total));
    }
}
