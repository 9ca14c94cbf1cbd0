using System.Globalization;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Forms;

/// <summary>
/// The new-job form as typed: every field is kept as text, so a half-filled or wrong form is never lost or silently
/// rewritten, and each problem is reported by the field that caused it (keys are the fields' wire names).
/// </summary>
public sealed class JobForm
{
    public string Name { get; set; } = "";
    /// <summary><c>mlp</c>, <c>cnn</c> or <c>custom</c> (then <see cref="Layers"/>, one per line or comma-separated).</summary>
    public string Model { get; set; } = "mlp";
    public string Layers { get; set; } = "";
    /// <summary>A named dataset or the id of one the creator uploaded; empty until the person picks one.</summary>
    public string Dataset { get; set; } = "";
    public string Rounds { get; set; } = "3";
    public string MinNodes { get; set; } = "1";
    public string MaxNodes { get; set; } = "3";
    public string InnerSteps { get; set; } = "50";
    public string BatchSize { get; set; } = "64";
    public string LearningRate { get; set; } = "0.05";
    public string Optimizer { get; set; } = "sgd";
    public string Strategy { get; set; } = "fedavg";
    /// <summary>Holdout accuracy that ends the job early, as a percentage (empty: none).</summary>
    public string TargetAccuracy { get; set; } = "";
    /// <summary>Limit on training samples (empty: the whole dataset).</summary>
    public string TrainSamples { get; set; } = "";
    /// <summary>Validators judging each round (empty or 1: one; more: a majority of them must agree).</summary>
    public string Validators { get; set; } = "1";
    /// <summary>Tokens to escrow, e.g. "12.5" (empty: the quote's total).</summary>
    public string Budget { get; set; } = "";
    /// <summary>"90s", "30m", "2h", "1d" or seconds.</summary>
    public string Deadline { get; set; } = "1h";
    public bool PartialBudget { get; set; }

    /// <summary>The longest deadline accepted.</summary>
    public static readonly TimeSpan MaxDeadline = TimeSpan.FromDays(30);

    /// <summary>The spec these fields describe, or null with the problems by field.</summary>
    public JobSpec? ToSpec(IDictionary<string, string> errors)
    {
        var spec = new JobSpec
        {
            Name = Name.Trim(),
            Model = Model == "custom" ? "mlp" : Model,
            Layers = Model == "custom" ? SplitLayers(Layers) : null,
            Dataset = Dataset,
            Rounds = Int(Rounds, "rounds", errors),
            MinNodes = Int(MinNodes, "minNodes", errors),
            MaxNodes = Int(MaxNodes, "maxNodes", errors),
            InnerSteps = Int(InnerSteps, "innerSteps", errors),
            BatchSize = Int(BatchSize, "batchSize", errors),
            LearningRate = Double(LearningRate, "learningRate", errors),
            Optimizer = Optimizer,
            Strategy = Strategy,
            TargetAccuracy = TargetAccuracy.Trim().Length == 0 ? null : Double(TargetAccuracy, "targetAccuracy", errors) / 100,
            TrainSamples = TrainSamples.Trim().Length == 0 ? null : Int(TrainSamples, "trainSamples", errors),
            // One validator is the default, left out of the spec so it reads as every spec before quorums.
            Validators = Validators.Trim() is "" or "1" ? null : Int(Validators, "validators", errors),
        };
        if (Dataset.Length == 0)
            errors.TryAdd("dataset", "choose a dataset");
        foreach (var (field, messages) in JobSpecRules.Validate(spec))
            errors.TryAdd(field, field == "targetAccuracy" ? "must be above 0 % and at most 100 %" : messages[0]);
        return errors.Count == 0 ? spec : null;
    }

    /// <summary>
    /// Everything a submission needs besides the spec: the budget (micro-tokens; the quote's total when left empty)
    /// and the deadline. A budget below the quote is refused unless the creator accepts a partial job.
    /// </summary>
    public (long Budget, int DeadlineSeconds)? Terms(Quote? quote, IDictionary<string, string> errors)
    {
        long budget = 0;
        if (Budget.Trim().Length == 0)
        {
            if (quote is null)
                errors.TryAdd("budget", "enter a budget (no quote yet to take it from)");
            else
                budget = quote.Total;
        }
        else if (!Asset.TryParse(Budget.Trim(), out budget) || budget <= 0)
            errors.TryAdd("budget", $"must be a number of tokens above 0 with at most {Asset.Scale} decimals, such as 12.5");
        else if (quote is not null && budget < quote.Total && !PartialBudget)
            errors.TryAdd("budget", $"{Asset.Format(budget)} tokens is below the quote's total of {Asset.Format(quote.Total)} tokens " +
                "(raise it, or allow a partial job that trains until the budget is spent)");
        var deadline = ParseDuration(Deadline);
        if (deadline is null)
            errors.TryAdd("deadline", "must be a duration such as 90s, 30m, 2h or 1d");
        else if (deadline <= TimeSpan.Zero || deadline > MaxDeadline)
            errors.TryAdd("deadline", $"must be between 1 second and {MaxDeadline.TotalDays:0} days");
        return errors.Count == 0 ? (budget, (int)deadline!.Value.TotalSeconds) : null;
    }

    /// <summary>"90s", "30m", "2h", "1d", or a number of seconds; null when it is none of these.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim().ToLowerInvariant();
        if (text.Length == 0)
            return null;
        var unit = char.IsAsciiLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsAsciiLetter(text[^1]) ? text[..^1].Trim() : text;
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 10_000_000)
            return null;
        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    /// <summary>Fills the form from a preset, keeping the budget, deadline and name the person typed.</summary>
    public void Apply(JobPreset preset)
    {
        Model = preset.Model;
        Layers = "";
        Dataset = preset.Dataset;
        Rounds = Invariant(preset.Rounds);
        MinNodes = "1";
        MaxNodes = Invariant(preset.MaxNodes);
        InnerSteps = Invariant(preset.InnerSteps);
        BatchSize = Invariant(preset.BatchSize);
        LearningRate = preset.LearningRate.ToString(CultureInfo.InvariantCulture);
        Optimizer = preset.Optimizer;
        Strategy = preset.Strategy;
        TrainSamples = preset.TrainSamples is { } t ? Invariant(t) : "";
        TargetAccuracy = "";
    }

    // "linear(784,128)" is split at its comma too; Rejoin glues the parts of each call back together.
    private static IReadOnlyList<string> SplitLayers(string text) =>
        Rejoin(text.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Replace(" ", "", StringComparison.Ordinal)).ToList());

    private static List<string> Rejoin(List<string> parts)
    {
        var layers = new List<string>();
        foreach (var part in parts)
        {
            if (layers.Count > 0 && layers[^1].Count(c => c == '(') > layers[^1].Count(c => c == ')'))
                layers[^1] += "," + part;
            else
                layers.Add(part);
        }
        return layers;
    }

    private static int Int(string text, string field, IDictionary<string, string> errors)
    {
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return value;
        errors.TryAdd(field, "must be a whole number");
        return 0;
    }

    private static double Double(string text, string field, IDictionary<string, string> errors)
    {
        if (double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            return value;
        errors.TryAdd(field, "must be a number such as 0.05");
        return 0;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A ready-made job: a model, a dataset and a schedule that suit it.</summary>
public sealed record JobPreset(string Id, string Title, string Model, string Dataset, int Rounds, int MaxNodes, int InnerSteps, int BatchSize,
    double LearningRate, string Optimizer, string Strategy, int? TrainSamples)
{
    /// <summary>The presets the form offers.</summary>
    public static readonly IReadOnlyList<JobPreset> All =
    [
        new("mlp-quick", "MLP, quick (Fashion-MNIST, 2 rounds, 2,000 samples)", "mlp", "fashion-mnist", 2, 2, 10, 32, 0.05, "sgd", "fedavg", 2000),
        new("mlp", "MLP (Fashion-MNIST, 5 rounds)", "mlp", "fashion-mnist", 5, 3, 100, 64, 0.05, "sgd", "fedavg", null),
        new("cnn", "CNN (Fashion-MNIST, 5 rounds, the devnet demo)", "cnn", "fashion-mnist", 5, 3, 100, 64, 0.001, "adam", "fedavg", null),
        new("cnn-diloco", "CNN with DiLoCo (Fashion-MNIST, 5 rounds)", "cnn", "fashion-mnist", 5, 3, 100, 64, 0.001, "adam", "diloco", null),
    ];
}
