using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Protocol.Signing;

/// <summary>
/// Signatures over a whole document (a receipt, a round result) so that anyone holding it can check who stated it,
/// independently of the request that carried it. The signed bytes are the document's JSON in <see cref="SwarmJson"/> form.
/// </summary>
public static class DocumentSignature
{
    /// <summary>Signs <paramref name="document"/>, returning base64 r||s.</summary>
    public static string Sign<T>(ActorKey key, T document) => Convert.ToBase64String(key.Sign(SwarmJson.SerializeToUtf8(document)));

    /// <summary>True when <paramref name="signature"/> is <paramref name="publicKey"/>'s signature over <paramref name="document"/>.</summary>
    public static bool Verify<T>(byte[] publicKey, T document, string signature)
    {
        try
        {
            return ActorKey.Verify(publicKey, SwarmJson.SerializeToUtf8(document), Convert.FromBase64String(signature));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
