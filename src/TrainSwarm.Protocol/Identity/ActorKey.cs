using System.Security.Cryptography;

namespace TrainSwarm.Protocol.Identity;

/// <summary>
/// An actor's ECDSA P-256 key pair: signs with SHA-256, signatures in IEEE P1363 form (r || s, 64 bytes).
/// Stored as a PKCS#8 PEM file readable only by its owner (mode 0600).
/// </summary>
public sealed class ActorKey : IDisposable
{
    private readonly ECDsa _key;

    private ActorKey(ECDsa key)
    {
        _key = key;
        PublicKey = key.ExportSubjectPublicKeyInfo();
        Address = Identity.Address.FromPublicKey(PublicKey);
    }

    /// <summary>The public key as SubjectPublicKeyInfo DER.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The address derived from <see cref="PublicKey"/>.</summary>
    public string Address { get; }

    /// <summary>A fresh random key.</summary>
    public static ActorKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a key from PEM text (PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY"); rejects other curves.</summary>
    public static ActorKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
                throw new CryptographicException("the key is not an ECDSA P-256 key");
            return new ActorKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads a key file written by <see cref="Save"/>.</summary>
    public static ActorKey Load(string path)
    {
        try
        {
            return FromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new InvalidDataException($"{path} is not an ECDSA P-256 private key in PEM form: {e.Message}", e);
        }
    }

    /// <summary>Writes the private key as PKCS#8 PEM, creating the file with mode 0600 so no other user can read it.</summary>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(ToPem());
    }

    /// <summary>The private key as PKCS#8 PEM text.</summary>
    public string ToPem() => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>Signs <paramref name="message"/> (ECDSA P-256 over its SHA-256), returning r || s.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) =>
        _key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Checks a signature made by <see cref="Sign"/> against a SubjectPublicKeyInfo; false for any malformed input.</summary>
    public static bool Verify(ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
            return false;
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length || key.KeySize != 256)
                return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
        return key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
