using System.Security.Cryptography;
using TrainSwarm.Coordination.Pricing;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Learning.Models;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>Prices a job spec: what it will cost and take, issued before any money moves and stored so the coordinator can hold itself to it.</summary>
public sealed class QuoteJob(SwarmState state, StateCommitter committer, CoordinatorOptions options, Queries.DatasetQueries datasets)
{
    /// <summary>Checks <paramref name="spec"/> like a submission, prices it with <see cref="CoordinatorOptions.Prices"/> and stores the quote.</summary>
    public async Task<Quote> QuoteAsync(JobSpec spec, CancellationToken cancellation)
    {
        if (spec is { IsRl: true })
            return await QuoteRlAsync(spec, cancellation);
        if (spec is { IsLm: true })
            return await QuoteLmAsync(spec, cancellation);
        if (spec is { IsGrpo: true })
            return await QuoteGrpoAsync(spec, cancellation);
        var uploaded = spec is null ? null : await committer.ReadAsync(() => datasets.Usable(spec.Dataset), cancellation);
        JobSpecCheck.Check(spec!, uploaded);
        var data = JobSpecCheck.DatasetOf(spec!, uploaded);
        int[] inputShape = [.. data.InputShape];
        var flops = FlopCounter.Count(spec!.Model, spec.Layers, inputShape, data.Classes);
        // The holdout is taken from the training split, as DataSplit does; an uploaded dataset's was cut once, at upload.
        var pool = Math.Min(data.TrainSamples, spec.FirstSamples ?? int.MaxValue);
        var holdout = uploaded?.Holdout.Count ?? Math.Clamp((int)Math.Round(pool * spec.HoldoutFraction), 1, pool - 1);
        return await StoreAsync(spec, flops.Training, flops.Forward, holdout, now => NodeSpeeds(spec, flops.Training, now), cancellation);
    }

    /// <summary>
    /// An rl job's quote: its samples are environment steps, each priced at the FLOPs of acting on it and training on it in every
    /// PPO epoch (<see cref="Learning.Rl.RlFlops"/>); validation is priced as the evaluation episodes at their longest.
    /// </summary>
    private Task<Quote> QuoteRlAsync(JobSpec spec, CancellationToken cancellation)
    {
        JobSpecCheck.CheckFields(spec);
        var rl = spec.RlSettings;
        var perStep = Learning.Rl.RlFlops.PerEnvStep(rl.Environment, rl.Hidden, rl.Epochs);
        var evalForward = Learning.Rl.RlFlops.PolicyForward(rl.Environment, rl.Hidden);
        var evalSteps = checked(rl.EvalEpisodes * rl.MaxEpisodeSteps);
        return StoreAsync(spec, perStep, evalForward, evalSteps, now => FlopNodeSpeeds(perStep, now), cancellation);
    }

    /// <summary>
    /// An lm job's quote: its samples are tokens (rounds × nodes × H × batch × seqLen), each priced at the exact training FLOPs of
    /// a token of the preset at that sequence length, attention included (<see cref="GptFlops"/>); validation is priced as the
    /// held-out tokens each model is scored on.
    /// </summary>
    private async Task<Quote> QuoteLmAsync(JobSpec spec, CancellationToken cancellation)
    {
        var uploaded = await committer.ReadAsync(() => datasets.Usable(spec.UploadedDataset), cancellation);
        JobSpecCheck.CheckLm(spec, uploaded);
        var lm = spec.LmSettings;
        var config = GptConfig.Preset(lm.Preset, Learning.Text.ByteTokenizer.VocabSize);
        var perToken = GptFlops.TrainingPerToken(config, lm.SeqLen);
        var evalTokens = checked((int)lm.EvalTokens);
        return await StoreAsync(spec, perToken, GptFlops.ForwardPerToken(config, lm.SeqLen), evalTokens, now => FlopNodeSpeeds(perToken, now),
            cancellation);
    }

    /// <summary>
    /// A grpo job's quote: its samples are sequence tokens (rounds × nodes × steps × prompts × G × the longest prompt + completion),
    /// each priced at the exact FLOPs of sampling it, scoring it under the two frozen policies and training on it every inner epoch
    /// (<see cref="GptFlops.GrpoPerToken"/>); validation is priced as the held-out prompts' sequence tokens, greedy-decoded.
    /// </summary>
    private Task<Quote> QuoteGrpoAsync(JobSpec spec, CancellationToken cancellation)
    {
        JobSpecCheck.CheckFields(spec);
        var g = spec.GrpoSettings;
        var config = Learning.Grpo.GrpoModels.Config(g.Preset);
        var perToken = GptFlops.GrpoPerToken(config, g.SequenceTokens, g.InnerEpochs);
        var evalTokens = checked(g.EvalPrompts * g.SequenceTokens);
        return StoreAsync(spec, perToken, GptFlops.ForwardPerToken(config, g.SequenceTokens), evalTokens, now => FlopNodeSpeeds(perToken, now),
            cancellation);
    }

    private Task<Quote> StoreAsync(JobSpec spec, long trainingFlops, long forwardFlops, int holdout, Func<DateTimeOffset, List<double>> speeds,
        CancellationToken cancellation) =>
        committer.MutateAsync(changes =>
        {
            var now = state.Now;
            var id = "q" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            Quote quote;
            try
            {
                quote = QuoteCalculator.Quote(spec, trainingFlops, forwardFlops, holdout, speeds(now), options.Prices, now, id);
                if (!spec.IsRl && !spec.IsLm && !spec.IsGrpo)
                    quote = quote with { Dataset = spec.Dataset };
                else if (spec.UploadedDataset is { } uploaded)
                    quote = quote with { Dataset = uploaded };
            }
            catch (OverflowException)
            {
                throw JobSpecCheck.Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["spec"] = ["the job is too large to price"] });
            }
            state.PutQuote(changes, quote);
            return quote;
        }, cancellation);

    /// <summary>
    /// Each online node's speed in samples/s of a job whose samples cost <paramref name="flopsPerStep"/> (an rl environment step,
    /// an lm token): its benchmark's FLOP/s (samples/s × the preset's training FLOPs on Fashion-MNIST's shape) over those FLOPs.
    /// Small MLPs run below a benchmark's FLOP/s, so for rl this is the optimistic end.
    /// </summary>
    private List<double> FlopNodeSpeeds(long flopsPerStep, DateTimeOffset now)
    {
        var speeds = new List<double>();
        foreach (var node in state.Nodes.Values)
        {
            var seen = state.LastSeen.GetValueOrDefault(node.Address, node.LastSeenAt);
            var benchmark = node.Registration.Benchmark;
            if (now - seen > options.OnlineWindow || !ModelPresets.Names.Contains(benchmark.Model))
                continue;
            var benchmarkFlops = FlopCounter.Count(benchmark.Model, null, [1, 28, 28]).Training;
            speeds.Add(benchmark.SamplesPerSecond * benchmarkFlops / Math.Max(1, flopsPerStep));
        }
        return speeds;
    }

    /// <summary>
    /// The training throughput, in samples/s of this spec's model, of each online node that serves its dataset. A node
    /// benchmarks a preset (the mlp); its speed scales to this model by the ratio of training FLOPs per sample.
    /// </summary>
    private List<double> NodeSpeeds(JobSpec spec, long modelTrainingFlops, DateTimeOffset now)
    {
        var speeds = new List<double>();
        foreach (var node in state.Nodes.Values)
        {
            var seen = state.LastSeen.GetValueOrDefault(node.Address, node.LastSeenAt);
            var benchmark = node.Registration.Benchmark;
            if (now - seen > options.OnlineWindow || !DatasetIds.Serves(node.Registration.Datasets, spec.Dataset)
                || !ModelPresets.Names.Contains(benchmark.Model))
                continue;
            // The benchmark ran its preset on the preset's own input shape, not on this job's (an RGB upload would not even fit the mlp).
            var benchmarkFlops = FlopCounter.Count(benchmark.Model, null, ModelPresets.InputShape(benchmark.Model)).Training;
            speeds.Add(benchmark.SamplesPerSecond * benchmarkFlops / Math.Max(1, modelTrainingFlops));
        }
        return speeds;
    }
}
