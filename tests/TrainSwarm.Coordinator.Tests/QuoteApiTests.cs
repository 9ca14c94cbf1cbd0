using System.Net;
using TrainSwarm.Learning.Models;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>POST /jobs/quote prices a spec (unsigned), stores the quote, and refuses a bad spec like submit does.</summary>
public sealed class QuoteApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    private static readonly JobSpec Devnet = new() { Name = "devnet demo", Model = "cnn", Rounds = 5, MinNodes = 1, MaxNodes = 3, InnerSteps = 100,
        BatchSize = 64 };

    [Fact]
    public async Task A_valid_spec_gets_a_quote_whose_parts_add_up()
    {
        using var client = swarm.Client();
        var quote = await client.QuoteAsync(Devnet);

        var flops = FlopCounter.Count("cnn", null, [1, 28, 28]);
        Assert.Matches("^q[0-9a-f]{12}$", quote.Id);
        Assert.Equal(Quote.DigestOf(Devnet), quote.SpecDigest);
        Assert.Equal(5L * 3 * 100 * 64, quote.TrainingSamples);
        Assert.Equal(flops.Training, quote.TrainingFlopsPerSample);
        Assert.Equal((quote.TrainingSamples * flops.Training + 999_999_999) / 1_000_000_000, quote.ComputeUnits);
        Assert.Equal(1_534, quote.ComputeUnits);
        Assert.Equal(quote.ComputeUnits * 10_000, quote.ComputeCost);
        Assert.Equal(quote.ComputeCost + quote.ValidatorFee + quote.ProtocolFee, quote.Total);
        Assert.Equal(17_180_800, quote.Total);
        Assert.Equal(5L * (3 + 2) * 6_000 * flops.Forward, quote.ValidationFlops);
        Assert.True(quote.ValidUntil - quote.IssuedAt == TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task A_custom_layer_list_is_priced_by_its_own_flops()
    {
        string[] layers = ["conv2d(1,8,3,1,1)", "relu", "flatten", "linear(6272,10)"];
        using var client = swarm.Client();
        var quote = await client.QuoteAsync(Specs.Tiny with { Layers = layers });
        Assert.Equal(FlopCounter.Count("", layers, [1, 28, 28]).Training, quote.TrainingFlopsPerSample);
    }

    [Fact]
    public async Task Get_by_id_returns_the_same_quote()
    {
        using var client = swarm.Client();
        var quote = await client.QuoteAsync(Specs.Tiny);
        Assert.Equal(quote, await client.GetQuoteAsync(quote.Id));
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Quote("q000000000000")));
        Assert.Equal(HttpStatusCode.BadRequest, await swarm.StatusOfGetAsync(Routes.Quote("not-a-quote")));
    }

    [Fact]
    public async Task A_quote_survives_a_restart()
    {
        Quote quote;
        using (var client = swarm.Client())
            quote = await client.QuoteAsync(Devnet);
        await swarm.StopAsync();
        await swarm.StartAsync();
        using var after = swarm.Client();
        Assert.Equal(quote, await after.GetQuoteAsync(quote.Id));
    }

    [Theory]
    [InlineData("""{"rounds":0}""", "rounds")]
    [InlineData("""{"model":"transformer"}""", "model")]
    [InlineData("""{"layers":["flatten","linear(784,64)","relu","linear(32,10)"]}""", "layers")]
    public async Task A_bad_spec_is_refused_like_submit_and_no_quote_is_stored(string json, string field)
    {
        var before = await StoredQuotesAsync();
        using var response = await swarm.Http.PostAsync(new Uri(swarm.BaseAddress, Routes.JobQuote), new ByteArrayContent(Utf8(json)));
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Invalid job spec", problem.GetProperty("title").GetString());
        Assert.Equal([field], ErrorFields(problem));
        Assert.False(response.Headers.Contains("Location"));
        Assert.Equal(before, await StoredQuotesAsync());
    }

    [Fact]
    public async Task A_malformed_body_is_a_bad_request()
    {
        using var response = await swarm.Http.PostAsync(new Uri(swarm.BaseAddress, Routes.JobQuote), new ByteArrayContent(Utf8("not json")));
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("the body is not a valid JobSpec", Detail(problem), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"amount\": -1}")]
    [InlineData("{\"model\": \"mlp\", \"datset\": \"mnist\"}")]
    public async Task A_body_with_a_field_a_spec_does_not_have_is_refused_not_priced_as_the_default_spec(string json)
    {
        // `swarm bench hostile` found this: unknown members were dropped, so {"amount": -1} was priced as the default spec (201).
        var quotesBefore = await StoredQuotesAsync();
        using var response = await swarm.Http.PostAsync(new Uri(swarm.BaseAddress, Routes.JobQuote), new ByteArrayContent(Utf8(json)));
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("the body is not a valid JobSpec", Detail(problem), StringComparison.Ordinal);
        Assert.Equal(quotesBefore, await StoredQuotesAsync());
    }

    [Fact]
    public async Task With_a_registered_node_the_duration_range_is_present()
    {
        using var node = await swarm.NodeAsync("fashion-mnist"); // benchmark: mlp at 1000 samples/s
        using var client = swarm.Client();
        var quote = await client.QuoteAsync(Devnet);
        Assert.True(quote.NodesConsidered >= 1);
        Assert.NotNull(quote.ExpectedSecondsLow);
        Assert.NotNull(quote.ExpectedSecondsHigh);
        Assert.True(quote.ExpectedSecondsLow < quote.ExpectedSecondsHigh);
        if (quote.NodesConsidered == 1)
        {
            // The node runs the cnn at 1000 × (mlp FLOPs / cnn FLOPs) samples/s; a round waits for it plus 1 s.
            var speed = 1000.0 * FlopCounter.Count("mlp", null, [1, 28, 28]).Training / FlopCounter.Count("cnn", null, [1, 28, 28]).Training;
            Assert.Equal(5 * (6400 / speed + 1), quote.ExpectedSecondsLow!.Value, 6);
        }
    }

    // The store is the source of truth: count the quote documents in the coordinator's SQLite database.
    private async Task<int> StoredQuotesAsync()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={Path.Combine(swarm.DataDirectory, "swarm.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM swarm_documents WHERE kind = 'quote'";
        var count = Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        return count;
    }
}
