using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>Checks the public key an actor registers.</summary>
internal static class PublicKeys
{
    /// <summary>Checks that a base64 SubjectPublicKeyInfo is well formed and belongs to the signer's address; returns it.</summary>
    public static string Decode(string? publicKey, string signer)
    {
        byte[] der;
        try
        {
            der = Convert.FromBase64String(publicKey ?? "");
        }
        catch (FormatException)
        {
            throw Refuse.Invalid("publicKey must be base64 SubjectPublicKeyInfo DER");
        }
        if (Address.FromPublicKey(der) != signer)
            throw Refuse.Forbidden("publicKey does not belong to the signer");
        return publicKey!;
    }
}
