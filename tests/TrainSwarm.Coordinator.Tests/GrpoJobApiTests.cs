using System.Net;
using TrainSwarm.Learning.Grpo;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// A grpo spec over the API: bad grpo fields are a ProblemDetails 400 naming each and create nothing; a good one is quoted in
/// sequence tokens at grpo-tiny's exact FLOPs per GRPO token, its initial model is the model pre-trained from its seed, and its
/// round names the arithmetic task and the preset.
/// </summary>
public sealed class GrpoJobApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>, IAsyncLifetime
{
    private ActorKey _creator = null!;

    public async Task InitializeAsync() => _creator = await swarm.ActorAsync("creator");

    public Task DisposeAsync()
    {
        _creator.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("""{"kind":"grpo","grpo":{"preset":"gpt-huge"}}""", "grpo.preset")]
    [InlineData("""{"kind":"grpo","grpo":{"groupSize":1}}""", "grpo.groupSize")]
    [InlineData("""{"kind":"grpo","grpo":{"evalPrompts":1001}}""", "grpo.evalPrompts")]
    [InlineData("""{"kind":"grpo","grpo":{"lr":0}}""", "grpo.lr")]
    [InlineData("""{"grpo":{}}""", "grpo")]
    public async Task A_bad_grpo_field_is_named_and_no_job_is_created(string json, string field)
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
    public async Task A_grpo_job_is_quoted_in_sequence_tokens_and_starts_from_the_model_pretrained_from_its_seed()
    {
        using var client = swarm.Client(_creator);
        var spec = new JobSpec { Kind = JobKinds.Grpo, Rounds = 2, MaxNodes = 3, Seed = 4, Grpo = new GrpoJobSpec { PretrainSteps = 20 } };
        var quote = await client.QuoteAsync(spec);
        Assert.Equal((211_200L, 2_093_184L, 443L, 4_961_600L), (quote.TrainingSamples, quote.TrainingFlopsPerSample, quote.ComputeUnits, quote.Total));
        var job = await client.SubmitJobAsync(spec, quote, quote.Total, 3600);
        var (pretrained, _) = ArithmeticGrpo.Pretrain(GrpoModels.GrpoTiny, 2, new AnswerPretrainSpec(20, 64), 4);
        Assert.Equal(BlobId.Of(ModuleWeights.ToBytes(pretrained)), job.InitialModelBlob);
        var round = await swarm.RoundOfAsync(job.Id);
        Assert.Equal(("arithmetic-2", "grpo-tiny", 25, 128), (round.Dataset, round.Model, round.InnerSteps, round.BatchSize));
    }
}
