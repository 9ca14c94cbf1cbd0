using System.Text;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;

namespace TrainSwarm.Protocol.Tests;

public sealed class HttpSignatureTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const string Target = "/api/v1/jobs";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"rounds\":3}");

    private readonly ActorKey _key = ActorKey.Generate();
    private readonly ActorKey _other = ActorKey.Generate();

    public void Dispose()
    {
        _key.Dispose();
        _other.Dispose();
    }

    private byte[]? PublicKeyOf(string address) =>
        address == _key.Address ? _key.PublicKey : address == _other.Address ? _other.PublicKey : null;

    private SignedHeaders Sign(DateTimeOffset? at = null, string nonce = "nonce-0123456789") =>
        HttpSignature.Sign(_key, "POST", Target, Body, at ?? Now, nonce);

    private SignatureCheck Verify(SignedHeaders h, string method = "POST", string target = Target, byte[]? body = null, DateTimeOffset? now = null) =>
        HttpSignature.Verify(method, target, body ?? Body, h.ContentDigest, h.SignatureInput, h.Signature, PublicKeyOf, now ?? Now);

    private static void Fails(SignatureCheck check, string error)
    {
        Assert.False(check.Valid);
        Assert.Equal(error, check.Error);
        Assert.Equal("", check.KeyId);
        Assert.Equal("", check.Nonce);
    }

    [Fact]
    public void Signed_headers_have_the_documented_shape()
    {
        var h = Sign();
        Assert.Equal("sha-256=:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Body)) + ":", h.ContentDigest);
        Assert.Equal(
            $"sig1=(\"@method\" \"@request-target\" \"content-digest\");created={Now.ToUnixTimeSeconds()};keyid=\"{_key.Address}\";" +
            "nonce=\"nonce-0123456789\";alg=\"ecdsa-p256-sha256\"",
            h.SignatureInput);
        Assert.StartsWith("sig1=:", h.Signature, StringComparison.Ordinal);
        Assert.EndsWith(":", h.Signature, StringComparison.Ordinal);
        Assert.Equal(64, Convert.FromBase64String(h.Signature[6..^1]).Length);
    }

    [Fact]
    public void A_signed_request_verifies_and_names_its_signer()
    {
        var check = Verify(Sign());
        Assert.True(check.Valid, check.Error);
        Assert.Null(check.Error);
        Assert.Equal(_key.Address, check.KeyId);
        Assert.Equal("nonce-0123456789", check.Nonce);
        Assert.Equal(Now, check.Created);
    }

    [Fact]
    public void The_method_is_compared_case_insensitively_and_an_empty_body_signs()
    {
        var h = HttpSignature.Sign(_key, "post", Target, [], Now);
        var check = HttpSignature.Verify("POST", Target, [], h.ContentDigest, h.SignatureInput, h.Signature, PublicKeyOf, Now);
        Assert.True(check.Valid, check.Error);
        Assert.InRange(check.Nonce.Length, 8, 128); // a random nonce is generated when none is given
    }

    [Fact]
    public void Generated_nonces_differ()
    {
        var a = HttpSignature.Sign(_key, "POST", Target, Body, Now);
        var b = HttpSignature.Sign(_key, "POST", Target, Body, Now);
        Assert.NotEqual(a.SignatureInput, b.SignatureInput);
    }

    [Fact]
    public void Missing_signature_headers_fail()
    {
        var h = Sign();
        const string unsigned = "the request is not signed (Signature-Input and Signature headers are required)";
        Fails(Verify(h with { SignatureInput = null! }), unsigned);
        Fails(Verify(h with { SignatureInput = "" }), unsigned);
        Fails(Verify(h with { Signature = null! }), unsigned);
        Fails(Verify(h with { Signature = "" }), unsigned);
        Fails(Verify(h with { ContentDigest = null! }), "the Content-Digest header is missing");
        Fails(Verify(h with { ContentDigest = "" }), "the Content-Digest header is missing");
    }

    [Fact]
    public void A_digest_that_does_not_match_the_body_fails()
    {
        var h = Sign();
        Fails(Verify(h with { ContentDigest = HttpSignature.ContentDigest("other"u8) }), "the Content-Digest does not match the body");
        Fails(
            Verify(h with { ContentDigest = h.ContentDigest.Replace("sha-256", "sha-512", StringComparison.Ordinal) }),
            "the Content-Digest does not match the body");
    }

    [Fact]
    public void A_body_changed_after_signing_fails()
    {
        var h = Sign();
        var changed = Encoding.UTF8.GetBytes("{\"rounds\":4}");
        Fails(Verify(h, body: changed), "the Content-Digest does not match the body");
        // Recomputing the digest for the new body does not help: the signature covers the digest.
        Fails(Verify(h with { ContentDigest = HttpSignature.ContentDigest(changed) }, body: changed), "the signature does not verify");
    }

    [Fact]
    public void A_changed_method_or_target_fails()
    {
        var h = Sign();
        Fails(Verify(h, method: "PUT"), "the signature does not verify");
        Fails(Verify(h, target: "/api/v1/jobs/j0123456789ab/cancel"), "the signature does not verify");
        Fails(Verify(h, target: Target + "?x=1"), "the signature does not verify");
    }

    [Theory]
    [InlineData(300, true)]
    [InlineData(-300, true)]
    [InlineData(301, false)]
    [InlineData(-301, false)]
    [InlineData(-3600, false)]
    [InlineData(3600, false)]
    public void Created_must_be_within_300_seconds_either_way(int skewSeconds, bool valid)
    {
        var created = Now.AddSeconds(skewSeconds);
        var check = Verify(Sign(at: created));
        Assert.Equal(valid, check.Valid);
        if (!valid)
            Fails(check, $"the signature was created at {created:u}, outside ±300 s of the coordinator's clock");
    }

    [Fact]
    public void A_created_time_beyond_any_date_fails_without_throwing()
    {
        var h = Sign();
        var input = h.SignatureInput.Replace($"created={Now.ToUnixTimeSeconds()}", "created=99999999999999999", StringComparison.Ordinal);
        var check = Verify(h with { SignatureInput = input });
        Assert.False(check.Valid);
        Assert.Contains("outside ±300 s", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_fails()
    {
        using var stranger = ActorKey.Generate();
        var h = HttpSignature.Sign(stranger, "POST", Target, Body, Now, "nonce-0123456789");
        Fails(Verify(h), $"the key {stranger.Address} is not registered");
    }

    [Fact]
    public void A_signature_made_by_another_key_fails()
    {
        var mine = Sign();
        // The other key signs; its signature is presented under my keyid.
        var theirs = HttpSignature.Sign(_other, "POST", Target, Body, Now, "nonce-0123456789");
        Fails(Verify(mine with { Signature = theirs.Signature }), "the signature does not verify");
        // Claiming the other (registered) key's id for my signature fails too.
        Fails(
            Verify(mine with { SignatureInput = mine.SignatureInput.Replace(_key.Address, _other.Address, StringComparison.Ordinal) }),
            "the signature does not verify");
    }

    [Fact]
    public void A_flipped_bit_in_the_signature_fails()
    {
        var h = Sign();
        var bytes = Convert.FromBase64String(h.Signature[6..^1]);
        bytes[10] ^= 0x01;
        Fails(Verify(h with { Signature = $"sig1=:{Convert.ToBase64String(bytes)}:" }), "the signature does not verify");
    }

    [Fact]
    public void Tampering_with_any_signed_parameter_fails()
    {
        var h = Sign();
        Fails(
            Verify(h with { SignatureInput = h.SignatureInput.Replace("nonce-0123456789", "nonce-9999999999", StringComparison.Ordinal) }),
            "the signature does not verify");
        var created = Now.ToUnixTimeSeconds();
        Fails(
            Verify(h with { SignatureInput = h.SignatureInput.Replace($"created={created}", $"created={created + 1}", StringComparison.Ordinal) }),
            "the signature does not verify");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("sig2=(\"@method\" \"@request-target\" \"content-digest\");created=1;keyid=\"k\";nonce=\"n\";alg=\"a\"")]
    [InlineData("sig1=(\"@method\" \"@request-target\");created=1740830400;keyid=\"KEY\";nonce=\"nonce-0123456789\";alg=\"ecdsa-p256-sha256\"")]
    [InlineData("sig1=(\"@method\" \"@request-target\" \"content-digest\");created=1740830400;keyid=\"KEY\";nonce=\"nonce-0123456789\"")]
    [InlineData("sig1=(\"@method\" \"@request-target\" \"content-digest\");created=-5;keyid=\"KEY\";nonce=\"nonce-0123456789\";alg=\"ecdsa-p256-sha256\"")]
    [InlineData("sig1=(\"@method\" \"@request-target\" \"content-digest\");created=soon;keyid=\"KEY\";nonce=\"nonce-0123456789\";alg=\"ecdsa-p256-sha256\"")]
    [InlineData("sig1=(\"@method\" \"@request-target\" \"content-digest\");created=1740830400;keyid=KEY;nonce=\"nonce-0123456789\";alg=\"ecdsa-p256-sha256\"")]
    [InlineData("sig1=(\"@method\" \"@request-target\" \"content-digest\");created=1740830400;keyid=\"KEY\";" +
        "nonce=\"nonce-0123456789\";alg=\"ecdsa-p256-sha256\";expires=1")]
    [InlineData("sig1=(\"@method\" \"@request-target\" \"content-digest\");created=1740830400;keyid=\"KEY\";" +
        "nonce=\"nonce-0123456789\";alg=\"ecdsa-p256-sha256\";bare")]
    public void A_malformed_signature_input_fails(string input)
    {
        var h = Sign();
        Fails(Verify(h with { SignatureInput = input.Replace("KEY", _key.Address, StringComparison.Ordinal) }), "the Signature-Input header is malformed");
    }

    [Fact]
    public void A_duplicated_parameter_is_malformed()
    {
        var h = Sign();
        Fails(Verify(h with { SignatureInput = h.SignatureInput + ";nonce=\"nonce-aaaaaaaaaa\"" }), "the Signature-Input header is malformed");
        Fails(Verify(h with { SignatureInput = h.SignatureInput + $";created={Now.ToUnixTimeSeconds()}" }), "the Signature-Input header is malformed");
    }

    [Fact]
    public void Another_algorithm_fails()
    {
        var h = Sign();
        Fails(Verify(h with { SignatureInput = h.SignatureInput.Replace("ecdsa-p256-sha256", "hmac-sha256", StringComparison.Ordinal) }),
            "the signature algorithm must be ecdsa-p256-sha256");
    }

    [Fact]
    public void A_keyid_that_is_not_an_address_fails()
    {
        var h = Sign();
        Fails(
            Verify(h with { SignatureInput = h.SignatureInput.Replace(_key.Address, "alice", StringComparison.Ordinal) }),
            "the keyid is not a TrainSwarm address");
    }

    [Theory]
    [InlineData("short")]
    [InlineData("")]
    public void A_nonce_of_the_wrong_length_fails(string nonce)
    {
        Fails(Verify(Sign(nonce: nonce)), "the nonce must have 8 to 128 characters");
        Fails(Verify(Sign(nonce: new string('n', 129))), "the nonce must have 8 to 128 characters");
    }

    [Theory]
    [InlineData("sig1=:not base64!:")]
    [InlineData("sig1=::")]
    [InlineData("sig2=:AAAA:")]
    [InlineData("sig1=AAAA")]
    public void A_malformed_signature_header_fails(string signature)
    {
        Fails(Verify(Sign() with { Signature = signature }), "the Signature header is malformed");
    }

    [Fact]
    public void A_signature_of_the_wrong_length_does_not_verify()
    {
        Fails(Verify(Sign() with { Signature = "sig1=:" + Convert.ToBase64String(new byte[63]) + ":" }), "the signature does not verify");
    }

    [Fact]
    public void The_signature_base_lists_the_components_then_the_parameters()
    {
        Assert.Equal(
            "\"@method\": POST\n\"@request-target\": /a?b=1\n\"content-digest\": sha-256=:x:\n\"@signature-params\": (params)",
            HttpSignature.SignatureBase("post", "/a?b=1", "sha-256=:x:", "(params)"));
    }
}
