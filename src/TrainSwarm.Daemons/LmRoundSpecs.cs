using System.Collections.Concurrent;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons;

/// <summary>
/// Maps an lm job spec to the engine's round settings and resolves its corpus; node and validator map it alike, so a replay
/// repeats the node's run. The one learning-rate schedule spans one node's steps of the whole job (rounds × H), and round r
/// starts at r × H on it.
/// </summary>
public static class LmRoundSpecs
{
    // A corpus is read and tokenized once per process (a few MB of text): every round of every lm job shares it.
    private static readonly ConcurrentDictionary<string, Lazy<TokenCorpus>> Corpora = new(StringComparer.Ordinal);

    /// <summary>The model sizes of <paramref name="spec"/>'s preset over the byte vocabulary.</summary>
    public static GptConfig Config(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return GptConfig.Preset(spec.LmSettings.Preset, ByteTokenizer.VocabSize);
    }

    /// <summary>The settings of round <paramref name="roundIndex"/> of <paramref name="spec"/>.</summary>
    public static LmRoundSpec For(JobSpec spec, int roundIndex)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(roundIndex);
        var lm = spec.LmSettings;
        var training = new LmTrainingSpec(lm.BatchSize, lm.SeqLen, lm.InnerSteps, lm.MaxLr, lm.MinLr, lm.WarmupSteps,
            DecaySteps: checked(spec.Rounds * lm.InnerSteps), WeightDecay: lm.WeightDecay, GradClip: lm.GradClip,
            ScheduleOffset: checked(roundIndex * lm.InnerSteps));
        return new LmRoundSpec(Config(spec), training, spec.CommitInterval);
    }

    /// <summary>
    /// The tokenized corpus <paramref name="name"/> (<c>fortunes</c>: Debian's package, <see cref="FortunesCorpus"/>), read once.
    /// </summary>
    /// <exception cref="FileNotFoundException">The corpus is not installed here (the message says how to install it).</exception>
    public static TokenCorpus Corpus(string name, string? directory = null)
    {
        if (name != LmJobSpec.Fortunes)
            throw new NotSupportedException($"corpus '{name}' is not one of {string.Join(", ", LmJobSpecRules.Corpora)}");
        var lazy = Corpora.GetOrAdd(directory ?? FortunesCorpus.DefaultDirectory, d => new Lazy<TokenCorpus>(() => FortunesCorpus.Load(d)));
        try
        {
            return lazy.Value;
        }
        catch (FileNotFoundException)
        {
            // Not cached as a failure: the operator may install the package while the daemon runs.
            Corpora.TryRemove(directory ?? FortunesCorpus.DefaultDirectory, out _);
            throw;
        }
    }

    /// <summary>True when <paramref name="spec"/>'s corpus is an uploaded text dataset (its id), fetched from the coordinator.</summary>
    public static bool IsUploaded(JobSpec spec) => DatasetIds.IsValid(spec?.LmSettings.Corpus);

    /// <summary>Why corpus <paramref name="name"/> cannot be trained on here, or null when it can.</summary>
    public static string? Unavailable(string name)
    {
        try
        {
            Corpus(name);
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
