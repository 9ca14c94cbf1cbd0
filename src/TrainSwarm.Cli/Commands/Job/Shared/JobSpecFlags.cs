using System.CommandLine;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>
/// The spec argument (a YAML or JSON file, or "-" for stdin; optional) and the flags that set or override single fields
/// of it, shared by `job quote` and `job submit`. Flags win over the file; the result is checked by <see cref="JobSpecRules"/>.
/// </summary>
internal sealed class JobSpecFlags
{
    private readonly Argument<string?> _spec = new("spec")
    {
        Description = "The job spec: a YAML (.yaml/.yml) or JSON (.json) file with JobSpec's camelCase fields, or - for stdin; unnamed fields keep " +
            "their defaults",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string?> _name = new("--name") { Description = "A label for people (name)" };
    private readonly Option<string?> _model = new("--model") { Description = "Model preset (model): mlp or cnn" };
    private readonly Option<string?> _dataset = new("--dataset") { Description = "Named dataset (dataset), e.g. fashion-mnist" };
    private readonly Option<int?> _rounds = new("--rounds") { Description = "Rounds to run (rounds)" };
    private readonly Option<int?> _nodes = new("--nodes") { Description = "Most nodes per round, also the number of shards (maxNodes)" };
    private readonly Option<int?> _minNodes = new("--min-nodes") { Description = "Fewest nodes a round trains with (minNodes)" };
    private readonly Option<int?> _innerSteps = new("--inner-steps") { Description = "H: optimizer steps per node per round (innerSteps)" };
    private readonly Option<int?> _batchSize = new("--batch-size") { Description = "Mini-batch size (batchSize)" };
    private readonly Option<double?> _learningRate = new("--lr") { Description = "Inner learning rate (learningRate)" };
    private readonly Option<string?> _strategy = new("--strategy") { Description = "Aggregation (strategy): fedavg or diloco" };
    private readonly Option<double?> _targetAccuracy = new("--target-accuracy") { Description = "Holdout accuracy that ends the job early " +
        "(targetAccuracy), e.g. 0.88" };
    private readonly Option<int?> _trainSamples = new("--train-samples") { Description = "Train on only this many samples (trainSamples)" };
    private readonly Option<int?> _validators = new("--validators") { Description = "Validators scoring each round independently (validators)" };
    private readonly Option<int?> _quorum = new("--quorum") { Description = "Validators that must agree on a round's result (quorum; default a majority)" };
    private readonly Option<ulong?> _seed = new("--seed") { Description = "Seed of the initial weights, the holdout split and the rounds (seed)" };
    private readonly Option<string?> _kind = new("--kind")
    {
        Description = "Job kind (kind): image, rl (PPO on CartPole), lm (GPT pre-training) or grpo (GRPO fine-tuning on arithmetic)",
    };

    // An rl job's settings (the spec's rl block); each needs --kind rl or a spec file of kind rl.
    private readonly Option<string?> _rlPreset = new("--rl-preset") { Description = "rl: the algorithm and environment preset (rl.preset)" };
    private readonly Option<double?> _targetReturn = new("--target-return") { Description = "rl: mean evaluation return that ends the job early " +
        "(rl.targetReturn), e.g. 475" };
    private readonly Option<int?> _evalEpisodes = new("--eval-episodes") { Description = "rl: seeded episodes a policy is evaluated on (rl.evalEpisodes)" };
    private readonly Option<int?> _rollouts = new("--rollouts") { Description = "rl: rollouts each node collects and trains on per round " +
        "(rl.rolloutsPerRound)" };
    private readonly Option<long?> _scheduleTimesteps = new("--schedule-timesteps") { Description = "rl: env steps of the learning-rate and " +
        "clip-range schedule (rl.scheduleTimesteps)" };

    public JobSpecFlags()
    {
        _model.AcceptOnlyFromAmong([.. JobSpecRules.Models]);
        _strategy.AcceptOnlyFromAmong([.. JobSpecRules.Strategies]);
        _dataset.AcceptOnlyFromAmong([.. JobSpecRules.Datasets]);
        _kind.AcceptOnlyFromAmong([.. JobKinds.All]);
        _rlPreset.AcceptOnlyFromAmong([.. RlJobSpecRules.Presets]);
    }

    /// <summary>Every field flag with the JobSpec field it sets, for "--rounds: must be …" messages.</summary>
    private IEnumerable<(Option Option, string Field)> FieldOptions =>
    [
        (_name, "name"), (_model, "model"), (_dataset, "dataset"), (_rounds, "rounds"), (_nodes, "maxNodes"), (_minNodes, "minNodes"),
        (_innerSteps, "innerSteps"), (_batchSize, "batchSize"), (_learningRate, "learningRate"), (_strategy, "strategy"),
        (_targetAccuracy, "targetAccuracy"), (_trainSamples, "trainSamples"), (_seed, "seed"),
        (_validators, "validators"), (_quorum, "quorum"), (_kind, "kind"),
        .. RlOptions,
    ];

    /// <summary>The flags that set a field of the rl block, with the field's wire name.</summary>
    private IEnumerable<(Option Option, string Field)> RlOptions =>
    [
        (_rlPreset, "rl.preset"), (_targetReturn, "rl.targetReturn"), (_evalEpisodes, "rl.evalEpisodes"), (_rollouts, "rl.rolloutsPerRound"),
        (_scheduleTimesteps, "rl.scheduleTimesteps"),
    ];

    /// <summary>Adds the argument and the flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(_spec);
        foreach (var (option, _) in FieldOptions)
            command.Options.Add(option);
    }

    /// <summary>The spec the command line describes, checked; every problem is one line of bad usage (exit 2).</summary>
    public JobSpec Resolve(ParseResult parse, TextReader stdin)
    {
        var path = parse.GetValue(_spec);
        var given = FieldOptions.Where(f => parse.GetResult(f.Option) is { Implicit: false }).ToList();
        if (path is null && given.Count == 0)
            throw new CliException("give a job spec file (YAML or JSON, - for stdin) or spec flags such as --model cnn --rounds 5 (see --help)",
                SwarmApp.BadUsage);
        var file = path is null ? null : JobSpecFile.Read(path, stdin);
        var spec = file?.Spec ?? new JobSpec();
        spec = spec with
        {
            Name = parse.GetValue(_name) ?? spec.Name,
            Model = parse.GetValue(_model) ?? spec.Model,
            // A model flag names a preset: it replaces a layer list from the file rather than being silently ignored.
            Layers = parse.GetValue(_model) is null ? spec.Layers : null,
            Dataset = parse.GetValue(_dataset) ?? spec.Dataset,
            Rounds = parse.GetValue(_rounds) ?? spec.Rounds,
            MaxNodes = parse.GetValue(_nodes) ?? spec.MaxNodes,
            MinNodes = parse.GetValue(_minNodes) ?? spec.MinNodes,
            InnerSteps = parse.GetValue(_innerSteps) ?? spec.InnerSteps,
            BatchSize = parse.GetValue(_batchSize) ?? spec.BatchSize,
            LearningRate = parse.GetValue(_learningRate) ?? spec.LearningRate,
            Strategy = parse.GetValue(_strategy) ?? spec.Strategy,
            TargetAccuracy = parse.GetValue(_targetAccuracy) ?? spec.TargetAccuracy,
            TrainSamples = parse.GetValue(_trainSamples) ?? spec.TrainSamples,
            Seed = parse.GetValue(_seed) ?? spec.Seed,
            Validators = parse.GetValue(_validators) ?? spec.Validators,
            Quorum = parse.GetValue(_quorum) ?? spec.Quorum,
            Kind = parse.GetValue(_kind) ?? spec.Kind,
        };
        spec = WithRl(parse, spec, given);
        var errors = JobSpecRules.Validate(spec);
        if (errors.Count == 0)
            return spec;
        var flags = given.ToDictionary(g => g.Field, g => g.Option.Name, StringComparer.Ordinal);
        var problems = errors.Select(e => flags.TryGetValue(e.Key, out var flag)
            ? $"{flag}: {e.Value[0]}"
            : file?.Where($"$.{e.Key}") is { } at ? $"{e.Key} (at {at}): {e.Value[0]}" : $"{e.Key}: {e.Value[0]}");
        var what = file is null ? "the job spec has invalid fields: " : $"the spec file {file.Name} has invalid fields: ";
        throw new CliException(what + string.Join("; ", problems), SwarmApp.BadUsage);
    }

    // The rl flags over the file's rl block (or the preset's defaults). On a job of another kind they would be dropped
    // without a word, so they are refused instead, naming the flag.
    private JobSpec WithRl(ParseResult parse, JobSpec spec, List<(Option Option, string Field)> given)
    {
        var rlFlags = given.Where(g => g.Field.StartsWith("rl.", StringComparison.Ordinal)).Select(g => g.Option.Name).ToList();
        if (rlFlags.Count == 0)
            return spec;
        if (!spec.IsRl)
            throw new CliException($"{rlFlags[0]} sets an rl job's settings; add --kind rl (or use a spec file of kind rl)", SwarmApp.BadUsage);
        var rl = spec.RlSettings;
        return spec with
        {
            Rl = rl with
            {
                Preset = parse.GetValue(_rlPreset) ?? rl.Preset,
                TargetReturn = parse.GetValue(_targetReturn) ?? rl.TargetReturn,
                EvalEpisodes = parse.GetValue(_evalEpisodes) ?? rl.EvalEpisodes,
                RolloutsPerRound = parse.GetValue(_rollouts) ?? rl.RolloutsPerRound,
                ScheduleTimesteps = parse.GetValue(_scheduleTimesteps) ?? rl.ScheduleTimesteps,
            },
        };
    }
}
