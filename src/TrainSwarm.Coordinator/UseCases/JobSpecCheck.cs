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
    /// <param name="uploaded">The manifest of the uploaded dataset the spec names (null for a catalogue dataset).</param>
    public static Sequential Check(JobSpec spec, DatasetManifest? uploaded = null)
    {
        var errors = JobSpecRules.Validate(spec);
        if (errors.Count == 0 && DatasetIds.IsValid(spec.Dataset) && uploaded?.Id != spec.Dataset)
            errors["dataset"] = [$"no uploaded dataset {spec.Dataset} (upload one with swarm dataset upload, or check the id)"];
        if (errors.Count == 0 && uploaded is { IsText: true })
            errors["dataset"] = [$"dataset {uploaded.Id} is text: train it with an lm job (kind lm, lm.corpus {uploaded.Id})"];
        if (errors.Count == 0)
        {
            try
            {
                var data = DatasetOf(spec, uploaded);
                // A preset ends in the dataset's class count; a layer list says its own (and CheckFits holds it to the data's).
                var model = ModelBuilder.Build(spec.Model, spec.Layers, spec.Seed, data.Classes);
                if (uploaded is not null && spec.MaxNodes > uploaded.Shards.Count)
                    errors["maxNodes"] =
                        [$"must be at most {uploaded.Shards.Count}: dataset {uploaded.Id} has {uploaded.Shards.Count} shards, at least one a node"];
                if (uploaded is not null && spec.FirstSamples is not null)
                    errors["firstSamples"] = ["applies to a named dataset only: an upload was split once, at upload"];
                // More than the split holds would silently split them all: a job that asked for N gets N, or a 400.
                else if (spec.FirstSamples > data.TrainSamples)
                    errors["firstSamples"] = [$"must be at most {data.TrainSamples}: {spec.Dataset} has {data.TrainSamples} training samples"];
                ModelBuilder.CheckFits(model, [.. data.InputShape], data.Classes);
                if (errors.Count == 0)
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
    /// image model from the spec's seed, or for an rl job the PPO policy and value networks from it (SB3's initialization), or for
    /// a grpo job the GPT from it, pre-trained on the task's answers (<see cref="GrpoInitialModel"/>).
    /// </summary>
    public static byte[] InitialModel(JobSpec spec, DatasetManifest? uploaded = null)
    {
        if (spec is { IsLm: true })
        {
            CheckLm(spec, uploaded);
            // The byte tokenizer's vocabulary: the corpus needs no reading to size the model.
            var config = Learning.Models.GptConfig.Preset(spec.LmSettings.Preset, Learning.Text.ByteTokenizer.VocabSize);
            return Nn.Serialization.ModuleWeights.ToBytes(new GptModel(config, spec.Seed));
        }
        if (spec is { IsGrpo: true })
        {
            CheckFields(spec);
            return GrpoInitialModel(spec);
        }
        if (spec is not { IsRl: true })
            return Nn.Serialization.ModuleWeights.ToBytes(Check(spec, uploaded));
        CheckFields(spec);
        var rl = spec.RlSettings;
        return Learning.Rl.RlRoundTrainer.InitialPolicy(rl.Environment, new Learning.Rl.PpoConfig { Hidden = rl.Hidden }, spec.Seed);
    }

    /// <summary>
    /// A grpo job's initial global model: the GPT initialized from the job's seed and pre-trained on the task's answers
    /// (<see cref="Learning.Grpo.ArithmeticGrpo.Pretrain"/>), exactly the model `swarm train --preset grpo --seed S` starts GRPO
    /// from. Why here, once: every node and the validator then start from the same published blob, the model every round's base
    /// is checked against, and no process repeats the pre-training (the engine is deterministic, so any of them could).
    /// </summary>
    public static byte[] GrpoInitialModel(JobSpec spec, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var g = spec.GrpoSettings;
        var (model, _) = Learning.Grpo.ArithmeticGrpo.Pretrain(Learning.Grpo.GrpoModels.Config(g.Preset), g.Digits,
            new Learning.Grpo.AnswerPretrainSpec(g.PretrainSteps, g.PretrainBatchSize), spec.Seed, cancellation);
        return Nn.Serialization.ModuleWeights.ToBytes(model);
    }

    /// <summary>
    /// An lm spec's field rules, and when its corpus is an upload (<paramref name="uploaded"/>, its manifest), that it is a text
    /// dataset with a shard for every node, every slot's tokens and the holdout longer than one window.
    /// </summary>
    public static void CheckLm(JobSpec spec, DatasetManifest? uploaded)
    {
        var errors = JobSpecRules.Validate(spec);
        if (errors.Count == 0 && spec.UploadedDataset is { } id)
        {
            var seqLen = spec.LmSettings.SeqLen;
            if (uploaded?.Id != id)
                errors["lm.corpus"] = [$"no uploaded dataset {id} (upload a text file with swarm dataset upload --format text, or check the id)"];
            else if (!uploaded.IsText)
                errors["lm.corpus"] = [$"dataset {id} is {uploaded.Format}, not text: an lm job trains on a text upload"];
            else if (spec.MaxNodes > uploaded.Shards.Count)
                errors["maxNodes"] = [$"must be at most {uploaded.Shards.Count}: dataset {id} has {uploaded.Shards.Count} shards, at least one a node"];
            else if (SlotTokens(uploaded, spec.MaxNodes).Min() <= seqLen || uploaded.Holdout.Count <= seqLen)
                errors["lm.seqLen"] = [$"must be below every slot's tokens ({SlotTokens(uploaded, spec.MaxNodes).Min()} the fewest) and the holdout's "
                    + $"({uploaded.Holdout.Count}) of dataset {id}: a window is lm.seqLen + 1 tokens"];
        }
        if (errors.Count > 0)
            throw Invalid(errors);
    }

    // Tokens of each of `slots` node slots: slot i trains every shard j ≡ i (mod slots), joined in order.
    private static IEnumerable<long> SlotTokens(DatasetManifest manifest, int slots) =>
        Enumerable.Range(0, slots).Select(i => manifest.Shards.Where((_, j) => j % slots == i).Sum(p => (long)p.Count));

    /// <summary>An rl, lm or grpo spec has no layer list to build or dataset to fit: its field rules are the whole check.</summary>
    public static void CheckFields(JobSpec spec)
    {
        var errors = JobSpecRules.Validate(spec);
        if (errors.Count > 0)
            throw Invalid(errors);
    }

    /// <summary>
    /// The facts of the spec's dataset the model and the quote are checked against: the catalogue entry, or for an uploaded
    /// dataset an entry made from its manifest (the real input shape and classes; its samples are all it has).
    /// </summary>
    public static DatasetEntry DatasetOf(JobSpec spec, DatasetManifest? uploaded = null)
    {
        if (!DatasetIds.IsValid(spec.Dataset))
            return DatasetCatalog.Get(spec.Dataset);
        if (uploaded is null || uploaded.Id != spec.Dataset)
            throw new ArgumentException($"no uploaded dataset {spec.Dataset} (upload it with swarm dataset upload, or check the id)");
        return new DatasetEntry(uploaded.Id, [], [], null)
        {
            InputShape = uploaded.InputShape, Classes = uploaded.Classes, TrainSamples = uploaded.Count, TestSamples = 0,
        };
    }

    /// <summary>The refusal of a spec with bad fields, each field with its messages.</summary>
    internal static RefusedException Invalid(IDictionary<string, string[]> errors) =>
        Refuse.With(RefusalKind.Invalid, "Invalid job spec",
            "the job spec has invalid fields: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")),
            new Dictionary<string, string[]>(errors, StringComparer.Ordinal));
}
