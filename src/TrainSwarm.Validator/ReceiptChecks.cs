using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Checks a submission's receipt against the round and the node's registered key, before its update is even
/// downloaded: a receipt that is unsigned, signed by someone else, or about other work earns nothing.
/// </summary>
public static class ReceiptChecks
{
    /// <summary>Why the receipt of <paramref name="submission"/> is not acceptable for <paramref name="round"/>, or null.</summary>
    /// <param name="nodePublicKey">The node's registered key (base64 SubjectPublicKeyInfo), or null when the node is unknown.</param>
    public static string? Check(UpdateSubmission submission, RoundView round, string? nodePublicKey)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(round);
        var receipt = submission.Receipt;
        if (nodePublicKey is null)
            return $"node {receipt.Node} is not registered";
        byte[] key;
        try
        {
            key = Convert.FromBase64String(nodePublicKey);
        }
        catch (FormatException)
        {
            return $"node {receipt.Node}'s registered public key is not base64";
        }
        // The coordinator hands out the key, so tie it to the address too: a substituted key would not derive it.
        if (!string.Equals(Address.FromPublicKey(key), receipt.Node, StringComparison.Ordinal))
            return $"node {receipt.Node}'s registered public key does not derive its address";
        if (!DocumentSignature.Verify(key, receipt, submission.ReceiptSignature))
            return $"the receipt's signature does not verify with node {receipt.Node}'s key";
        if (receipt.RoundId != round.Id)
            return $"the receipt is for round {receipt.RoundId}, not {round.Id}";
        if (receipt.Attempt != round.Attempt)
            return $"the receipt is for attempt {receipt.Attempt}, not {round.Attempt}";
        if (receipt.JobId != round.JobId)
            return $"the receipt is for job {receipt.JobId}, not {round.JobId}";
        if (receipt.BaseModel != round.BaseModel)
            return $"the receipt trained from model {receipt.BaseModel}, the round's base is {round.BaseModel}";
        if (!BlobId.IsValid(receipt.UpdateBlob))
            return "the receipt names no valid update blob id";
        if (!DeltaCodec.Encodings.Contains(receipt.Encoding))
            return $"the receipt's encoding '{receipt.Encoding}' is not one of {string.Join(", ", DeltaCodec.Encodings)}";
        if (receipt.Samples < 1)
            return $"the receipt claims {receipt.Samples} training samples";
        if (receipt.Steps < 1)
            return $"the receipt claims {receipt.Steps} training steps";
        return null;
    }
}
