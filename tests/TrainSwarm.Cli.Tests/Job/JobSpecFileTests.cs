using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Job;

/// <summary>
/// `swarm job quote|submit` with YAML, JSON, stdin and flags: the same spec however it is written (the quote's specDigest
/// proves it), and a bad spec named in one line with its file, line and column.
/// </summary>
[Collection(SwarmCollection.Name)]
public sealed class JobSpecFileTests(SwarmFixture swarm)
{
    private const string Nowhere = "http://127.0.0.1:9";

    /// <summary>Differs from the defaults in every field the flags can set.</summary>
    private static readonly JobSpec Spec = new()
    {
        Name = "yaml twin", Model = "cnn", Dataset = "fashion-mnist", Rounds = 2, MinNodes = 2, MaxNodes = 4, InnerSteps = 30,
        BatchSize = 16, LearningRate = 0.002, Strategy = "diloco", TargetAccuracy = 0.85, TrainSamples = 640, Seed = 42,
    };

    private const string SpecYaml = """
        # the same spec as Spec, in YAML
        name: yaml twin
        model: cnn
        dataset: fashion-mnist
        rounds: 2
        minNodes: 2
        maxNodes: 4
        innerSteps: 30
        batchSize: 16
        learningRate: 0.002
        strategy: diloco
        targetAccuracy: 0.85
        trainSamples: 640
        seed: 42
        """;

    private static readonly string[] SpecFlags =
    [
        "--name", "yaml twin", "--model", "cnn", "--dataset", "fashion-mnist", "--rounds", "2", "--min-nodes", "2", "--nodes", "4",
        "--inner-steps", "30", "--batch-size", "16", "--lr", "0.002", "--strategy", "diloco", "--target-accuracy", "0.85",
        "--train-samples", "640", "--seed", "42",
    ];

    private string Write(string name, string text)
    {
        var path = Path.Combine(swarm.Folder, $"{Guid.NewGuid():N}-{name}");
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<Quote> QuoteAsync(params string[] args)
    {
        var (code, output) = await CliRunner.Run(["job", "quote", .. args, "--coordinator", swarm.Url, "--json"]);
        Assert.True(code == 0, output);
        return SwarmJson.Deserialize<Quote>(output);
    }

    private async Task<string> DigestOf(JobSpec spec)
    {
        using var client = swarm.Client();
        return (await client.QuoteAsync(spec)).SpecDigest;
    }

    [Fact]
    public async Task Yaml_json_and_flags_make_the_same_spec_and_so_the_same_quote()
    {
        var expected = await DigestOf(Spec);
        var fromJson = await QuoteAsync(swarm.SpecFile(Spec));
        var fromYaml = await QuoteAsync(Write("job.yaml", SpecYaml));
        var fromFlags = await QuoteAsync(SpecFlags);
        Assert.Equal(expected, fromJson.SpecDigest);
        Assert.Equal(expected, fromYaml.SpecDigest);
        Assert.Equal(expected, fromFlags.SpecDigest);
        Assert.Equal(fromJson.Total, fromYaml.Total);
        Assert.Equal(fromJson.Total, fromFlags.Total);
    }

    [Fact]
    public async Task Flags_override_the_files_fields()
    {
        var path = Write("job.yml", SpecYaml.Replace("rounds: 2", "rounds: 9", StringComparison.Ordinal).Replace("seed: 42", "seed: 1",
            StringComparison.Ordinal));
        var quote = await QuoteAsync(path, "--rounds", "2", "--seed", "42");
        Assert.Equal(await DigestOf(Spec), quote.SpecDigest);
    }

    [Fact]
    public async Task The_example_spec_is_valid_and_quotes_as_the_cnn_job_it_describes()
    {
        var example = Path.Combine(RepositoryRoot(), "examples", "fashion-cnn.yaml");
        var quote = await QuoteAsync(example);
        var described = new JobSpec
        {
            Name = "fashion-cnn", Model = "cnn", Dataset = "fashion-mnist", Rounds = 5, MinNodes = 1, MaxNodes = 3, InnerSteps = 100, BatchSize = 64,
            Optimizer = "adam", LearningRate = 0.001, Strategy = "fedavg", HoldoutFraction = 0.1, TargetAccuracy = 0.88, Seed = 0,
        };
        Assert.Equal(await DigestOf(described), quote.SpecDigest);
    }

    [Fact]
    public async Task The_grpo_example_lists_the_defaults_of_a_grpo_job()
    {
        var quote = await QuoteAsync(Path.Combine(RepositoryRoot(), "examples", "grpo.yaml"));
        var described = new JobSpec
        {
            Name = "grpo-arithmetic", Kind = JobKinds.Grpo, Rounds = 2, MinNodes = 1, MaxNodes = 3, Strategy = "fedavg", Seed = 0, Grpo = new GrpoJobSpec(),
        };
        Assert.Equal(await DigestOf(described), quote.SpecDigest);
    }

    [Fact]
    public async Task A_spec_on_stdin_is_sniffed_as_json_or_yaml()
    {
        var expected = await DigestOf(Spec);
        var original = Console.In;
        try
        {
            Console.SetIn(new StringReader(SwarmJson.Serialize(Spec)));
            Assert.Equal(expected, (await QuoteAsync("-")).SpecDigest);
            Console.SetIn(new StringReader(SpecYaml));
            Assert.Equal(expected, (await QuoteAsync("-")).SpecDigest);
        }
        finally
        {
            Console.SetIn(original);
        }
    }

    [Fact]
    public async Task Submit_from_yaml_escrows_the_quote_of_its_json_twin()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(50_000_000);
        var total = await swarm.QuoteTotalAsync(Specs.Waiting);
        var yaml = Write("waiting.yaml", """
            name: cli waiting
            model: mlp
            rounds: 2
            minNodes: 1
            maxNodes: 1
            innerSteps: 2
            batchSize: 8
            trainSamples: 64
            seed: 7
            openSeconds: 1
            trainSeconds: 3600
            validateSeconds: 3600
            """);
        var (code, output) = await CliRunner.Run("job", "submit", yaml, "--key", key, "--coordinator", swarm.Url, "--json");
        Assert.True(code == 0, output);
        var job = SwarmJson.Deserialize<JobView>(output);
        Assert.Equal(Specs.Waiting, job.Spec with { Layers = null });
        Assert.Equal(total, job.Billing!.Budget);
        Assert.Equal(total, (await swarm.BalancesAsync(address)).Reserved);
        using var creator = Protocol.Identity.ActorKey.Load(key);
        using var client = swarm.Client(creator);
        await client.CancelJobAsync(job.Id); // so it does not wait for nodes for the rest of the test run
    }

    [Theory]
    [InlineData("name: x\nrounds: 5\nmodel: [cnn\n", "error: the spec file is not valid YAML: {0}:4:1: While parsing a flow sequence, did not find " +
        "expected ',' or ']'.")]
    [InlineData("name: x\n  rounds: 5\n", "error: the spec file is not valid YAML: {0}:2:9: While scanning a plain scalar value, found invalid mapping.")]
    [InlineData("rounds: 5\nrounds: 6\n", "error: the spec file is not valid YAML: {0}:2:1: 'rounds' appears twice")]
    [InlineData("rounds: 5\nmaxNodes: 0\n", "error: the spec file {0} has invalid fields: maxNodes (at {0}:2:1): must be between minNodes and 256")]
    [InlineData("model: cnn\nrounds: many\n", "error: the spec file {0} is not a valid job spec: rounds has the wrong type at {0}:2:1 (The JSON value " +
        "could not be converted to System.Int32)")]
    [InlineData("model: cnn\nround: 5\n", "error: the spec file {0} has an unknown field 'round' at {0}:2:1; the fields are batchSize, " +
        "byzantineCount, clippingIterations, clippingRadius, commitEvery, dataset, firstSamples, grpo, holdoutFraction, innerSteps, krumSelected, " +
        "layers, learningRate, lm, maxNodes, minNodes, model, momentum, name, openSeconds, optimizer, outerLearningRate, outerMomentum, quorum, " +
        "replayShareBps, robustInner, rounds, seed, stateWindowSeconds, strategy, targetAccuracy, trainSamples, trainSeconds, trimFraction, " +
        "validateSeconds, validators")]
    [InlineData("- cnn\n", "error: the spec file {0} is not a valid job spec: it must be a mapping of fields such as rounds: 5")]
    public async Task A_bad_yaml_spec_is_one_line_naming_file_line_and_column(string yaml, string expected)
    {
        var path = Write("bad.yaml", yaml);
        var (code, output) = await CliRunner.Run("job", "quote", path, "--coordinator", Nowhere);
        Assert.Equal(2, code);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), Lines.Single(output));
    }

    [Theory]
    [InlineData(new[] { "--rounds", "0" }, "error: the job spec has invalid fields: --rounds: must be between 1 and 10000")]
    [InlineData(new[] { "--validators", "3", "--quorum", "1" },
        "error: the job spec has invalid fields: --quorum: must be between a majority of the validators (⌊n/2⌋ + 1) and their number n")]
    [InlineData(new[] { "--validators", "17" }, "error: the job spec has invalid fields: --validators: must be between 1 and 16")]
    [InlineData(new[] { "--model", "resnet" }, "error: Argument 'resnet' not recognized. Must be one of: 'mlp' 'cnn' 'cnn-rgb32' (see --help)")]
    [InlineData(new string[0], "error: give a job spec file (YAML or JSON, - for stdin) or spec flags such as --model cnn --rounds 5 (see --help)")]
    public async Task Bad_spec_flags_are_bad_usage(string[] flags, string expected)
    {
        var (code, output) = await CliRunner.Run(["job", "quote", .. flags, "--coordinator", Nowhere]);
        Assert.Equal(2, code);
        Assert.Equal(expected, Lines.Single(output));
    }

    /// <summary>The checkout: the first folder up from the test binaries that holds examples/.</summary>
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "examples")) && File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
                return dir.FullName;
        throw new DirectoryNotFoundException("no examples/ folder above " + AppContext.BaseDirectory);
    }
}
