using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The chain's end of a round replayed from its start (rl, grpo): the last commitment must name the final weights (its state is their
/// blob), they must load into the job's model, and they minus the base must encode to exactly the uploaded delta.
/// </summary>
internal static class FinalWeightsCheck
{
    /// <summary>Null when the chain ends in the upload; otherwise the outcome (unverifiable when something is missing, caught when false).</summary>
    /// <param name="unit">What a commitment's step counts, for the messages ("rollout", "step").</param>
    /// <param name="model">What the weights are, for the messages ("policy", "model").</param>
    /// <param name="load">Loads the final weights into the job's model, throwing when a name or shape does not fit.</param>
    public static ReplayOutcome? ChainEnd(TrainingReceipt receipt, byte[] update, IReadOnlyDictionary<string, byte[]> blobs, byte[] baseModel,
        string unit, string model, Action<byte[]> load)
    {
        var last = receipt.Commitments[^1];
        if (last.State is null || last.State != last.Sha256)
            return ReplayOutcome.Unverifiable("the last commitment names no final weights, so the update cannot be checked");
        if (!blobs.TryGetValue(last.State, out var final))
            return ReplayOutcome.Unverifiable($"the final weights committed at {unit} {last.Step} could not be downloaded");
        List<NamedArray> weights;
        try
        {
            weights = SafeTensorsReader.Read(final).Tensors.ToList();
            // Loading checks every name and shape against the model the job trains.
            load(final);
        }
        catch (Exception e) when (e is SafeTensorsFormatException or InvalidDataException or ArgumentException)
        {
            return ReplayOutcome.Caught($"{unit} {last.Step}", $"this {model}'s weights", "other bytes", 0,
                $"the committed final weights do not fit the {model}");
        }
        var baseWeights = SafeTensorsReader.Read(baseModel).Tensors;
        var expected = DeltaCodec.Encode(DeltaCodec.Difference(weights, baseWeights), receipt.Encoding);
        return expected.AsSpan().SequenceEqual(update)
            ? null
            : ReplayOutcome.Caught("delta", BlobId.Of(expected), receipt.UpdateBlob, 0, "the uploaded delta is not the last committed weights minus the base");
    }
}
