using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Protocol.Signing;

/// <summary>
/// Request signatures in the style of RFC 9421 (HTTP Message Signatures) with RFC 9530 digests. A signed request
/// carries three headers:
/// <code>
/// Content-Digest: sha-256=:BASE64(SHA-256(body)):
/// Signature-Input: sig1=("@method" "@request-target" "content-digest");created=UNIX;keyid="ts1…";nonce="…";alg="ecdsa-p256-sha256"
/// Signature: sig1=:BASE64(r||s):
/// </code>
/// The signature covers the signature base: one line per covered component, then the parameters line.
/// Covering the digest binds the body; covering the method and target binds the action; created and nonce stop replays.
/// </summary>
public static class HttpSignature
{
    /// <summary>Header names.</summary>
    public const string ContentDigestHeader = "Content-Digest";
    public const string SignatureInputHeader = "Signature-Input";
    public const string SignatureHeader = "Signature";

    /// <summary>The only algorithm we sign with.</summary>
    public const string Algorithm = "ecdsa-p256-sha256";

    /// <summary>How far <c>created</c> may be from the verifier's clock, either way.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(300);

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private const string Label = "sig1";
    private const string Components = "(\"@method\" \"@request-target\" \"content-digest\")";

    /// <summary>The Content-Digest header value for <paramref name="body"/>.</summary>
    public static string ContentDigest(ReadOnlySpan<byte> body) => "sha-256=:" + Convert.ToBase64String(SHA256.HashData(body)) + ":";

    /// <summary>Signs a request: returns the three header values to send.</summary>
    public static SignedHeaders Sign(ActorKey key, string method, string requestTarget, ReadOnlySpan<byte> body, DateTimeOffset now, string? nonce = null)
    {
        var prepared = Prepare(key.Address, method, requestTarget, body, now, nonce);
        return prepared.Complete(key.Sign(prepared.SignatureBaseBytes));
    }

    /// <summary>
    /// Everything of a signed request but the signature, for a signer that holds its key elsewhere (a browser's Web
    /// Crypto key): sign <see cref="PreparedSignature.SignatureBaseBytes"/>, then <see cref="PreparedSignature.Complete"/>.
    /// </summary>
    public static PreparedSignature Prepare(string keyId, string method, string requestTarget, ReadOnlySpan<byte> body, DateTimeOffset now,
        string? nonce = null) =>
        Prepare(keyId, method, requestTarget, ContentDigest(body), now, nonce);

    /// <summary>
    /// As above for a body the preparer does not hold (a browser uploading a file): <paramref name="contentDigest"/> is
    /// its Content-Digest header value; the verifier recomputes it from the body that arrives.
    /// </summary>
    public static PreparedSignature Prepare(string keyId, string method, string requestTarget, string contentDigest, DateTimeOffset now, string? nonce = null)
    {
        nonce ??= Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var parameters = Parameters(now.ToUnixTimeSeconds(), keyId, nonce);
        return new PreparedSignature(contentDigest, parameters, SignatureBase(method, requestTarget, contentDigest, parameters));
    }

    /// <summary>
    /// Checks a request's signature headers against its method, target and body. <paramref name="publicKeyOf"/> maps a
    /// keyid (an address) to its SubjectPublicKeyInfo, or null when unknown. Nonce uniqueness is the caller's job
    /// (it needs storage); everything else is checked here.
    /// </summary>
    public static SignatureCheck Verify(
        string method, string requestTarget, ReadOnlySpan<byte> body,
        string? contentDigest, string? signatureInput, string? signature,
        Func<string, byte[]?> publicKeyOf, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signatureInput) || string.IsNullOrEmpty(signature))
            return SignatureCheck.Fail("the request is not signed (Signature-Input and Signature headers are required)");
        if (string.IsNullOrEmpty(contentDigest))
            return SignatureCheck.Fail("the Content-Digest header is missing");
        if (!string.Equals(contentDigest, ContentDigest(body), StringComparison.Ordinal))
            return SignatureCheck.Fail("the Content-Digest does not match the body");
        if (!TryParseInput(signatureInput, out var created, out var keyId, out var nonce, out var alg, out var parameters))
            return SignatureCheck.Fail("the Signature-Input header is malformed");
        if (alg != Algorithm)
            return SignatureCheck.Fail($"the signature algorithm must be {Algorithm}");
        if (!Address.IsWellFormed(keyId))
            return SignatureCheck.Fail("the keyid is not a TrainSwarm address");
        if (nonce.Length is < 8 or > 128)
            return SignatureCheck.Fail("the nonce must have 8 to 128 characters");
        // A created time past the last representable date would make FromUnixTimeSeconds throw; it is outside the window anyway.
        var createdAt = created <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(created) : DateTimeOffset.MaxValue;
        if ((now - createdAt).Duration() > Window)
            return SignatureCheck.Fail($"the signature was created at {createdAt:u}, outside ±{Window.TotalSeconds:0} s of the coordinator's clock");
        if (!TryParseSignature(signature, out var signatureBytes))
            return SignatureCheck.Fail("the Signature header is malformed");
        var publicKey = publicKeyOf(keyId);
        if (publicKey is null)
            return SignatureCheck.Fail($"the key {keyId} is not registered");
        var signed = Encoding.UTF8.GetBytes(SignatureBase(method, requestTarget, contentDigest, parameters));
        if (!ActorKey.Verify(publicKey, signed, signatureBytes))
            return SignatureCheck.Fail("the signature does not verify");
        return new SignatureCheck(true, null, keyId, nonce, createdAt);
    }

    /// <summary>The exact text that is signed.</summary>
    public static string SignatureBase(string method, string requestTarget, string contentDigest, string parameters) =>
        $"\"@method\": {method.ToUpperInvariant()}\n\"@request-target\": {requestTarget}\n\"content-digest\": {contentDigest}\n\"@signature-params\": " +
            $"{parameters}";

    private static string Parameters(long created, string keyId, string nonce) =>
        string.Create(CultureInfo.InvariantCulture, $"{Components};created={created};keyid=\"{keyId}\";nonce=\"{nonce}\";alg=\"{Algorithm}\"");

    private static bool TryParseInput(string header, out long created, out string keyId, out string nonce, out string alg, out string parameters)
    {
        created = 0;
        keyId = nonce = alg = parameters = "";
        var prefix = Label + "=" + Components;
        if (!header.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        parameters = header[(Label.Length + 1)..];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in header[prefix.Length..].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !seen.Add(part[..eq]))
                return false;
            var (name, value) = (part[..eq], part[(eq + 1)..]);
            var quoted = value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : null;
            switch (name)
            {
                case "created" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out created):
                    break;
                case "keyid" when quoted is not null:
                    keyId = quoted;
                    break;
                case "nonce" when quoted is not null:
                    nonce = quoted;
                    break;
                case "alg" when quoted is not null:
                    alg = quoted;
                    break;
                default:
                    return false;
            }
        }
        return seen.SetEquals(["created", "keyid", "nonce", "alg"]);
    }

    private static bool TryParseSignature(string header, out byte[] signature)
    {
        signature = [];
        var prefix = Label + "=:";
        if (!header.StartsWith(prefix, StringComparison.Ordinal) || !header.EndsWith(':') || header.Length <= prefix.Length + 1)
            return false;
        try
        {
            signature = Convert.FromBase64String(header[prefix.Length..^1]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>A request's digest, signature parameters and signature base, waiting for the signer's r||s.</summary>
public sealed record PreparedSignature(string ContentDigest, string Parameters, string SignatureBase)
{
    /// <summary>The bytes to sign: the signature base in UTF-8.</summary>
    public byte[] SignatureBaseBytes => Encoding.UTF8.GetBytes(SignatureBase);

    /// <summary>The three header values, given the signer's 64-byte r||s over <see cref="SignatureBaseBytes"/>.</summary>
    public SignedHeaders Complete(byte[] signature) =>
        new(ContentDigest, "sig1=" + Parameters, "sig1=:" + Convert.ToBase64String(signature) + ":");
}

/// <summary>The three header values of a signed request.</summary>
public sealed record SignedHeaders(string ContentDigest, string SignatureInput, string Signature);

/// <summary>The outcome of <see cref="HttpSignature.Verify"/>: who signed, or why it failed.</summary>
public sealed record SignatureCheck(bool Valid, string? Error, string KeyId, string Nonce, DateTimeOffset Created)
{
    internal static SignatureCheck Fail(string error) => new(false, error, "", "", default);
}
