using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Fetches what this round's updates must not replay: every delta the previous round accepted and that round's global
/// step (this round's base − the previous base, public to anyone who downloads both models). They come from the
/// coordinator, not from the validator's memory, so a restarted validator, or a round the previous validator judged,
/// is checked just the same.
/// </summary>
internal sealed class PreviousRoundDeltas(SwarmClient client, ValidatorRetry retry, IValidatorObserver observer)
{
    /// <summary>The source name of the previous round's global step in verdicts.</summary>
    public const string GlobalStep = "global step";

    /// <summary>The previous round's deltas in the layout of <paramref name="baseWeights"/>; none for the first round.</summary>
    public async Task<IReadOnlyList<PreviousDelta>> FetchAsync(
        ValidationTask task, IReadOnlyList<WeightTensor> baseWeights, CancellationToken cancellation)
    {
        var round = task.Round;
        if (round.Index == 0)
            return [];
        var rounds = await retry.RunAsync("listing the job's rounds", c => client.JobRoundsAsync(round.JobId, c), cancellation);
        var before = rounds.Where(r => r.Index == round.Index - 1 && r.Status == RoundStatus.Done).MaxBy(r => r.Attempt);
        if (before is null)
            return [];
        RoundResult result;
        try
        {
            result = (await retry.RunAsync("downloading the previous round's result", c => client.RoundResultAsync(before.Id, c), cancellation)).Result;
        }
        catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return [];
        }

        var deltas = new List<PreviousDelta>();
        foreach (var verdict in result.Verdicts.Where(v => v.Accepted))
        {
            var delta = await TryFetchAsync(round.Id, verdict.UpdateBlob, baseWeights, bytes => DeltaCodec.Decode(bytes, out _), cancellation);
            if (delta is not null)
                deltas.Add(new PreviousDelta($"node {verdict.Node}'s delta", delta));
        }
        // The global step needs the previous base; this round's base is the previous round's new model.
        if (result.NewModel == round.BaseModel && result.BaseModel != result.NewModel)
        {
            var previousBase = await TryFetchAsync(
                round.Id, result.BaseModel, baseWeights, bytes => SafeTensorsReader.Read(bytes).Tensors, cancellation);
            if (previousBase is not null)
            {
                var step = WeightSet.Clone(baseWeights);
                WeightSet.AddScaled(step, previousBase, -1f);
                deltas.Add(new PreviousDelta(GlobalStep, step));
            }
        }
        return deltas;
    }

    // A blob that is gone or unreadable only weakens the replay check for this round; it must not block the round.
    private async Task<IReadOnlyList<WeightTensor>?> TryFetchAsync(
        string roundId, string blob, IReadOnlyList<WeightTensor> baseWeights, Func<byte[], IEnumerable<NamedArray>> decode,
        CancellationToken cancellation)
    {
        try
        {
            var bytes = await retry.RunAsync($"downloading previous-round blob {blob}", c => client.GetBlobAsync(blob, c), cancellation);
            var weights = WeightConversion.AlignTo(baseWeights, WeightConversion.FromNamedArrays(decode(bytes)));
            if (WeightSet.SameLayout(baseWeights, weights))
                return weights;
            observer.Error($"round {roundId}: previous-round blob {blob} does not fit the model; not compared", null);
        }
        catch (Exception e) when (e is SafeTensorsFormatException or InvalidDataException or ArgumentException or OverflowException
                                      or SwarmApiException { Status: HttpStatusCode.NotFound })
        {
            observer.Error($"round {roundId}: previous-round blob {blob} is unusable ({e.Message}); not compared", e);
        }
        return null;
    }
}
