using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Layers;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// Checks a job spec completely, for a quote and for a submission alike: every field rule, then the layer list by
/// building the model and running it once on the dataset's input shape (grammar, size, fit to the data).
/// </summary>
public static class JobSpecCheck
{
    /// <summary>
    /// Returns the model, initialized from the spec's seed; a bad spec is refused as invalid, naming every bad field.
    /// </summary>
    public static Sequential Check(JobSpec spec)
    {
        var errors = JobSpecRules.Validate(spec);
        if (errors.Count == 0)
        {
            try
            {
                var model = ModelBuilder.Build(spec.Model, spec.Layers, spec.Seed);
                var data = DatasetOf(spec);
                ModelBuilder.CheckFits(model, [.. data.InputShape], data.Classes);
                return model;
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                errors["layers"] = [e.Message];
            }
        }
        throw Invalid(errors);
    }

    /// <summary>
    /// Checks <paramref name="spec"/> as <see cref="Check"/> does and returns its initial global model as safetensors bytes: the
    /// image model from the spec's seed, or for an rl job the PPO policy and value networks from it (SB3's initialization).
    /// </summary>
    public static byte[] InitialModel(JobSpec spec)
    {
        if (spec is not { IsRl: true })
            return Nn.Serialization.ModuleWeights.ToBytes(Check(spec));
        CheckRl(spec);
        var rl = spec.RlSettings;
        return Learning.Rl.RlRoundTrainer.InitialPolicy(rl.Environment, new Learning.Rl.PpoConfig { Hidden = rl.Hidden }, spec.Seed);
    }

    /// <summary>An rl spec has no model to build or dataset to fit: its field rules are the whole check.</summary>
    public static void CheckRl(JobSpec spec)
    {
        var errors = JobSpecRules.Validate(spec);
        if (errors.Count > 0)
            throw Invalid(errors);
    }

    /// <summary>The catalogue entry of the spec's dataset (the field rules admit catalogue datasets only).</summary>
    public static DatasetEntry DatasetOf(JobSpec spec) => DatasetCatalog.Get(spec.Dataset);

    /// <summary>The refusal of a spec with bad fields, each field with its messages.</summary>
    internal static RefusedException Invalid(IDictionary<string, string[]> errors) =>
        Refuse.With(RefusalKind.Invalid, "Invalid job spec",
            "the job spec has invalid fields: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")),
            new Dictionary<string, string[]>(errors, StringComparer.Ordinal));
}
