namespace TrainSwarm.Ledger;

/// <summary>The coordinator's key as the ledger sees it: it signs entry hashes.</summary>
public interface ILedgerSigner
{
    /// <summary>The public key (SubjectPublicKeyInfo DER) that verifies the signatures.</summary>
    byte[] PublicKey { get; }

    /// <summary>The address derived from <see cref="PublicKey"/>.</summary>
    string Address { get; }

    /// <summary>Signs a message (ECDSA P-256 over SHA-256 of the message).</summary>
    byte[] Sign(ReadOnlySpan<byte> message);
}

/// <summary>Signature checks and address derivation, provided by the protocol's identity scheme.</summary>
public interface ISignatureVerifier
{
    /// <summary>The address of a public key (SubjectPublicKeyInfo DER).</summary>
    string AddressOf(ReadOnlySpan<byte> publicKey);

    /// <summary>True when <paramref name="signature"/> is the key's signature over <paramref name="message"/>; false for malformed input.</summary>
    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);
}
