using System.Net;
using TrainSwarm.Coordinator.UseCases;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// A bad job spec is refused field by field, and no job (nor round, nor reservation) is created. The spec is checked
/// before the quote is looked up, so these bodies name a quote that does not exist and carry no escrow: the spec's
/// fields are still what the 400 reports.
/// </summary>
public sealed class JobSpecApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>, IAsyncLifetime
{
    private ActorKey _creator = null!;

    public async Task InitializeAsync() => _creator = await swarm.ActorAsync("creator");

    public Task DisposeAsync()
    {
        _creator.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A submission body around <paramref name="specJson"/> (naming no real quote).</summary>
    private static string Submission(string specJson) =>
        $$"""{"spec":{{specJson}},"quoteId":"q000000000000","budget":1000000,"deadlineSeconds":86400}""";

    private async Task<HttpResponseMessage> PostJobAsync(string json)
    {
        using var client = swarm.Client(_creator);
        return await client.SendSignedRawAsync(HttpMethod.Post, Routes.Jobs, Utf8(json), "application/json");
    }

    private Task<HttpResponseMessage> PostSpecAsync(string specJson) => PostJobAsync(Submission(specJson));

    /// <summary>No job was created and the creator's wallet is untouched: nothing reserved.</summary>
    private async Task AssertNothingChangedAsync(int jobsBefore)
    {
        Assert.Equal(jobsBefore, await swarm.JobCountAsync());
        var balances = await swarm.BalancesAsync(_creator.Address);
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L), (balances.Wallet, balances.Reserved));
    }

    [Theory]
    [InlineData("""{"rounds":0}""", "rounds")]
    [InlineData("""{"validators":0}""", "validators")]
    [InlineData("""{"validators":17}""", "validators")]
    [InlineData("""{"validators":3,"quorum":1}""", "quorum")]
    [InlineData("""{"validators":3,"quorum":4}""", "quorum")]
    [InlineData("""{"quorum":2}""", "quorum")]
    [InlineData("""{"rounds":-3}""", "rounds")]
    [InlineData("""{"minNodes":3,"maxNodes":2}""", "maxNodes")]
    [InlineData("""{"minNodes":0}""", "minNodes")]
    [InlineData("""{"learningRate":-1}""", "learningRate")]
    [InlineData("""{"learningRate":0}""", "learningRate")]
    [InlineData("""{"learningRate":1e300}""", "learningRate")]
    [InlineData("""{"learningRate":"NaN"}""", "learningRate")]
    [InlineData("""{"learningRate":"Infinity"}""", "learningRate")]
    [InlineData("""{"model":"transformer"}""", "model")]
    [InlineData("""{"model":null}""", "model")]
    [InlineData("""{"dataset":"imagenet"}""", "dataset")]
    [InlineData("""{"dataset":null}""", "dataset")]
    [InlineData("""{"layers":["flatten","linear(784)"]}""", "layers")]
    [InlineData("""{"layers":[]}""", "layers")]
    [InlineData("""{"batchSize":0}""", "batchSize")]
    [InlineData("""{"innerSteps":0}""", "innerSteps")]
    [InlineData("""{"optimizer":"lbfgs"}""", "optimizer")]
    [InlineData("""{"strategy":"krum-typo"}""", "strategy")]
    [InlineData("""{"momentum":1}""", "momentum")]
    [InlineData("""{"holdoutFraction":0.9}""", "holdoutFraction")]
    [InlineData("""{"targetAccuracy":1.5}""", "targetAccuracy")]
    [InlineData("""{"trainSamples":2,"maxNodes":3}""", "trainSamples")]
    [InlineData("""{"firstSamples":1,"maxNodes":1}""", "firstSamples")]
    [InlineData("""{"firstSamples":3,"maxNodes":3}""", "firstSamples")]
    [InlineData("""{"firstSamples":-5}""", "firstSamples")]
    [InlineData("""{"firstSamples":60001,"dataset":"fashion-mnist"}""", "firstSamples")]
    [InlineData("""{"firstSamples":112801,"dataset":"emnist-balanced","layers":["flatten","linear(784,47)"]}""", "firstSamples")]
    [InlineData("""{"openSeconds":0}""", "openSeconds")]
    [InlineData("""{"trainSeconds":99999999}""", "trainSeconds")]
    public async Task An_invalid_field_is_named_and_no_job_is_created(string json, string field)
    {
        var before = await swarm.JobCountAsync();
        using var response = await PostSpecAsync(json);
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Invalid job spec", problem.GetProperty("title").GetString());
        Assert.Equal([field], ErrorFields(problem));
        Assert.Contains(field + ": ", Detail(problem), StringComparison.Ordinal);
        await AssertNothingChangedAsync(before);
    }

    [Theory]
    [InlineData("""{"firstSamples":3,"maxNodes":3}""", "firstSamples: must be more than maxNodes (a holdout and one sample per shard)")]
    [InlineData("""{"firstSamples":60001}""", "firstSamples: must be at most 60000: fashion-mnist has 60000 training samples")]
    public async Task A_first_samples_out_of_range_says_its_bounds(string json, string expected)
    {
        using var response = await PostSpecAsync(json);
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("the job spec has invalid fields: " + expected, Detail(problem));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(60000)]
    public async Task A_first_samples_within_range_is_quoted(int firstSamples)
    {
        using var client = swarm.Client(_creator);
        var spec = Specs.Tiny with { FirstSamples = firstSamples, TrainSamples = null };
        Assert.Equal(Quote.DigestOf(spec), (await client.QuoteAsync(spec)).SpecDigest);
    }

    [Fact]
    public async Task Every_invalid_field_is_named_at_once()
    {
        var before = await swarm.JobCountAsync();
        using var response = await PostSpecAsync("""{"rounds":0,"dataset":"imagenet","learningRate":-1,"model":"gpt"}""");
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["dataset", "learningRate", "model", "rounds"], ErrorFields(problem).Order(StringComparer.Ordinal));
        await AssertNothingChangedAsync(before);
    }

    [Fact]
    public async Task An_invalid_spec_with_a_genuine_quote_and_escrow_is_refused_by_field_and_the_quote_stays_usable()
    {
        // The quote and escrow are for the valid spec; the body carries an invalid one under the same quote id.
        var (quote, submission) = await swarm.SubmissionAsync(_creator);
        var before = await swarm.JobCountAsync();
        using (var response = await PostJobAsync(SwarmJson.Serialize(submission with { Spec = submission.Spec with { Rounds = 0 } })))
        {
            var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("Invalid job spec", problem.GetProperty("title").GetString());
            Assert.Equal(["rounds"], ErrorFields(problem));
        }
        await AssertNothingChangedAsync(before);

        // The refusal did not spend the quote: the genuine submission is accepted.
        using var client = swarm.Client(_creator);
        var job = await client.SendSignedAsync<JobView>(HttpMethod.Post, Routes.Jobs, submission);
        Assert.Equal(quote.JobId, job.Id);
    }

    [Theory]
    [InlineData("""{"spec":""")]
    [InlineData("""not json""")]
    [InlineData("""{"spec":{"rounds":"many"},"quoteId":"q000000000000","budget":1,"deadlineSeconds":86400}""")]
    [InlineData("""{"spec":{"rounds":1},"quoteId":"q000000000000","budget":"lots","deadlineSeconds":86400}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""null""")]
    [InlineData("")]
    public async Task A_malformed_body_is_a_bad_request_and_no_job_is_created(string json)
    {
        var before = await swarm.JobCountAsync();
        using var response = await PostJobAsync(json);
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("the body is not a valid JobSubmission", Detail(problem), StringComparison.Ordinal);
        await AssertNothingChangedAsync(before);
    }

    [Fact]
    public async Task A_bare_spec_without_the_submission_around_it_is_a_bad_request()
    {
        // The old contract (a bare JobSpec): its fields are none of a submission's, and a request body's unknown fields are refused.
        var before = await swarm.JobCountAsync();
        using var response = await PostJobAsync(SwarmJson.Serialize(Specs.Tiny));
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("the body is not a valid ", Detail(problem), StringComparison.Ordinal);
        Assert.Contains("could not be mapped", Detail(problem), StringComparison.Ordinal);
        await AssertNothingChangedAsync(before);
    }

    [Fact]
    public async Task A_null_name_is_a_bad_request_not_a_server_error()
    {
        var before = await swarm.JobCountAsync();
        using var response = await PostSpecAsync("""{"name":null}""");
        await AssertAsync(response, HttpStatusCode.BadRequest);
        await AssertNothingChangedAsync(before);
    }

    [Fact]
    public async Task Layers_whose_sizes_do_not_chain_are_refused()
    {
        var before = await swarm.JobCountAsync();
        using var response = await PostSpecAsync("""{"layers":["flatten","linear(784,64)","relu","linear(32,10)"]}""");
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["layers"], ErrorFields(problem));
        await AssertNothingChangedAsync(before);
    }

    [Theory]
    [InlineData("""{"layers":["flatten","linear(784,64)","relu","linear(64,5)"]}""")]
    [InlineData("""{"layers":["flatten","linear(65536,65536)"]}""")]
    [InlineData("""{"layers":["conv2d(3,8,3)","flatten","linear(5408,10)"]}""")]
    [InlineData("""{"model":"cnn-rgb32"}""")] // the 32×32 RGB preset on 28×28 grey Fashion-MNIST
    [InlineData("""{"layers":["flatten","linear(784,10)"],"dataset":"emnist-balanced"}""")] // a layer list says its own outputs: 10, not 47
    [InlineData("""{"model":"mlp","dataset":"svhn"}""")] // 784 grey inputs for 32×32 RGB digits
    public async Task Layers_with_the_wrong_output_too_many_parameters_or_wrong_input_channels_are_refused(string body)
    {
        var before = await swarm.JobCountAsync();
        using var response = await PostSpecAsync(body);
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["layers"], ErrorFields(problem));
        await AssertNothingChangedAsync(before);
    }

    [Fact]
    public void Every_catalogue_dataset_is_taken_by_name_with_a_model_that_fits_it()
    {
        Assert.NotNull(JobSpecCheck.Check(Specs.Tiny with { Dataset = "cifar-10", Model = "cnn-rgb32" }));
        Assert.NotNull(JobSpecCheck.Check(Specs.Tiny with { Dataset = "svhn", Model = "cnn-rgb32" }));
        Assert.NotNull(JobSpecCheck.Check(Specs.Tiny with { Dataset = "kmnist", Model = "cnn" }));
        Assert.NotNull(JobSpecCheck.Check(Specs.Tiny with { Dataset = "mnist", Model = "mlp" }));
        Assert.NotNull(JobSpecCheck.Check(Specs.Tiny with { Dataset = "emnist-balanced", Layers = ["flatten", "linear(784,47)"] }));
        Assert.NotNull(JobSpecCheck.Check(Specs.Tiny with { Dataset = "cifar-100", Layers = ["flatten", "linear(3072,100)"] }));
    }

    [Theory]
    [InlineData("emnist-balanced", "mlp", 47)]
    [InlineData("emnist-balanced", "cnn", 47)]
    [InlineData("cifar-100", "cnn-rgb32", 100)]
    public async Task A_preset_ends_in_the_datasets_classes_and_is_priced_so(string dataset, string preset, int classes)
    {
        var spec = Specs.Tiny with { Dataset = dataset, Model = preset };
        var model = JobSpecCheck.Check(spec);
        Assert.Equal([classes, 128], model.Parameters()[^2].Shape.ToArray());
        using var client = swarm.Client(_creator);
        var quote = await client.QuoteAsync(spec);
        var shape = TrainSwarm.Learning.Data.DatasetCatalog.Get(dataset).InputShape.ToArray();
        Assert.Equal(TrainSwarm.Learning.Models.FlopCounter.Count("", TrainSwarm.Learning.Models.FlopCounter.LayersOf(preset, classes), shape).Training,
            quote.TrainingFlopsPerSample);
    }

    [Fact]
    public async Task A_creator_who_is_not_registered_cannot_submit()
    {
        // An unregistered key cannot even be checked: its public key is unknown, so the request is unauthenticated.
        using var stranger = ActorKey.Generate();
        var before = await swarm.JobCountAsync();
        var body = await swarm.SubmissionBodyAsync(stranger);
        using var client = swarm.Client(stranger);
        using var response = await client.SendSignedRawAsync(HttpMethod.Post, Routes.Jobs, body, "application/json");
        await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(before, await swarm.JobCountAsync());
    }

    [Fact]
    public async Task A_valid_spec_creates_the_job_and_its_first_round()
    {
        var before = await swarm.JobCountAsync();
        var job = await swarm.JobAsync(_creator);
        Assert.Equal(before + 1, await swarm.JobCountAsync());
        Assert.Equal(_creator.Address, job.Creator);
        Assert.Equal(Specs.Tiny, job.Spec);
        Assert.Equal(JobStatus.Running, job.Status);
        var round = await swarm.RoundOfAsync(job.Id);
        Assert.Equal($"{job.Id}-r0", round.Id);
        Assert.Equal(job.InitialModelBlob, round.BaseModel);
        Assert.Equal(HttpStatusCode.OK, await swarm.StatusOfGetAsync(Routes.Blob(job.InitialModelBlob)));
        await swarm.AssertLedgerOkAsync();
    }
}
