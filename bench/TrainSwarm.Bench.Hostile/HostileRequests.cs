using System.Text;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;

namespace TrainSwarm.Bench.Hostile;

/// <summary>
/// Generates hostile requests from a seeded random source, so a run is reproducible: wrong methods on every endpoint;
/// malformed, wrongly typed, huge and negative, missing-field and oversized bodies on every state-changing endpoint, each
/// unsigned, with garbage or stale signature headers, or validly signed (by a registered actor) over a body that is
/// always wrong, and then replayed; and path tricks in the ids of every read endpoint that takes one. No request is one
/// the coordinator may accept: a correct request would change the state the bench checks is unchanged.
/// </summary>
public sealed class HostileRequests(IReadOnlyList<ApiEndpoint> endpoints, ActorKey signer, Func<DateTimeOffset> now, long maxBodyBytes, int seed)
{
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    // Ids no route accepts as an existing thing: traversal, encodings, injections, control characters, sheer length.
    private static readonly string[] BadIds =
    [
        "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e", "..%5C..%5Cwindows", "%00", "a%00b", "%20", "%25", "-1", "0", "99999999999999999999",
        "%27%20OR%201%3D1--", "%3Cscript%3E", "%F0%9F%98%80", "null", "undefined", "NaN", "ts1", "j", "ts1zz" + new string('g', 38),
        new string('a', 2000), new string('f', 63), new string('F', 64) + "0", "job-r-1", "%E2%80%AE", "CON",
    ];

    private static readonly string[] FieldNames =
    [
        "amount", "spec", "budget", "quoteId", "publicKey", "name", "datasets", "roundId", "model", "dataset", "rounds", "deadlineSeconds",
        "transfer", "id", "to", "from", "receipt", "blob", "offset", "length", "sha256", "role", "verdicts", "signature", "nonce",
    ];

    private readonly Random _random = new(seed);
    private HostileRequest? _replay;

    /// <summary>The next request; every one is answered 4xx by a sound coordinator.</summary>
    public HostileRequest Next()
    {
        if (_replay is { } replay)
        {
            // A signed request sent a second time: its nonce is spent, whatever its body.
            _replay = null;
            return replay with { Kind = "replay" };
        }
        var endpoint = endpoints[_random.Next(endpoints.Count)];
        var mutating = endpoint.Methods.Where(m => m != "GET" && m != "HEAD").ToList();
        var roll = _random.Next(100);
        if (roll < 15 || (mutating.Count == 0 && !endpoint.HasParameters))
            return WrongMethod(endpoint);
        if (mutating.Count == 0 || (endpoint.HasParameters && endpoint.Methods.Contains("GET") && roll < 35))
            return BadRead(endpoint);
        return BadWrite(endpoint, mutating[_random.Next(mutating.Count)]);
    }

    private HostileRequest WrongMethod(ApiEndpoint endpoint)
    {
        var others = AllMethods.Where(m => !endpoint.Methods.Contains(m) && !(m == "HEAD" && endpoint.Methods.Contains("GET"))).ToList();
        var method = others[_random.Next(others.Count)];
        return new("wrong method", endpoint.Pattern, method, Fill(endpoint.Pattern, goodLooking: true), method is "GET" or "DELETE" ? null : Body(), []);
    }

    private HostileRequest BadRead(ApiEndpoint endpoint) =>
        new("path trick", endpoint.Pattern, "GET", Fill(endpoint.Pattern, goodLooking: false), null, []);

    private HostileRequest BadWrite(ApiEndpoint endpoint, string method)
    {
        // Writes with ids get bad ids half the time; the body is wrong in every case.
        var target = Fill(endpoint.Pattern, goodLooking: _random.Next(2) == 0);
        if (_random.Next(200) == 0)
            return Oversized(endpoint, method, target);
        var body = Body();
        return _random.Next(5) switch
        {
            0 => new("unsigned", endpoint.Pattern, method, target, body, Json()),
            1 => new("garbage signature", endpoint.Pattern, method, target, body, [.. Json(), .. Garbage(body)]),
            2 => Stale(endpoint, method, target, body),
            _ => Signed(endpoint, method, target, body),
        };
    }

    private HostileRequest Signed(ApiEndpoint endpoint, string method, string target, byte[] body)
    {
        var headers = HttpSignature.Sign(signer, method, target, body, now());
        var request = new HostileRequest("signed, bad body", endpoint.Pattern, method, target, body, [.. Json(), .. Headers(headers)]);
        if (_random.Next(4) == 0)
            _replay = request;
        return request;
    }

    // Signed correctly, but an hour ago (outside the ±300 s window) or with the digest of another body.
    private HostileRequest Stale(ApiEndpoint endpoint, string method, string target, byte[] body)
    {
        if (_random.Next(2) == 0)
            return new("stale signature", endpoint.Pattern, method, target, body,
                [.. Json(), .. Headers(HttpSignature.Sign(signer, method, target, body, now().AddHours(-1)))]);
        var other = HttpSignature.Sign(signer, method, target, Encoding.UTF8.GetBytes("{}"), now());
        return new("digest mismatch", endpoint.Pattern, method, target, body, [.. Json(), .. Headers(other)]);
    }

    private HostileRequest Oversized(ApiEndpoint endpoint, string method, string target)
    {
        var body = new byte[checked((int)Math.Min(maxBodyBytes + 1 + _random.Next(1024), int.MaxValue))];
        _random.NextBytes(body);
        return new("oversized body", endpoint.Pattern, method, target, body, HeadersOf(HttpSignature.Sign(signer, method, target, body, now())));
    }

    private static List<KeyValuePair<string, string>> Json() => [new("Content-Type", "application/json")];

    private static List<KeyValuePair<string, string>> Headers(SignedHeaders h) =>
    [
        new(HttpSignature.ContentDigestHeader, h.ContentDigest), new(HttpSignature.SignatureInputHeader, h.SignatureInput),
        new(HttpSignature.SignatureHeader, h.Signature),
    ];

    private static List<KeyValuePair<string, string>> HeadersOf(SignedHeaders h) => Headers(h);

    private List<KeyValuePair<string, string>> Garbage(byte[] body) => _random.Next(4) switch
    {
        0 => [new(HttpSignature.SignatureHeader, "sig1=:" + Convert.ToBase64String(Bytes(64)) + ":")],
        1 => [new(HttpSignature.ContentDigestHeader, HttpSignature.ContentDigest(body)),
              new(HttpSignature.SignatureInputHeader, "sig1=(\"@method\");keyid=\"" + signer.Address + "\";created=" + _random.Next()),
              new(HttpSignature.SignatureHeader, "sig1=:AAAA:")],
        2 => [new(HttpSignature.ContentDigestHeader, "sha-256=:not base64:"), new(HttpSignature.SignatureInputHeader, new string('(', 5000)),
              new(HttpSignature.SignatureHeader, "sig1=" + new string(':', 3000))],
        _ => [new(HttpSignature.ContentDigestHeader, HttpSignature.ContentDigest(body)),
              new(HttpSignature.SignatureInputHeader, $"sig1=(\"@method\" \"@request-target\" \"content-digest\");keyid=\"ts1{new string('0', 40)}\";" +
                  $"alg=\"ecdsa-p256-sha256\";created={now().ToUnixTimeSeconds()};nonce=\"x\""),
              new(HttpSignature.SignatureHeader, "sig1=:" + Convert.ToBase64String(Bytes(64)) + ":")],
    };

    private string Fill(string pattern, bool goodLooking)
    {
        var text = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '{')
            {
                text.Append(pattern[i]);
                continue;
            }
            var end = pattern.IndexOf('}', i);
            var name = pattern[(i + 1)..end];
            text.Append(goodLooking ? GoodLooking(name) : BadIds[_random.Next(BadIds.Length)]);
            i = end;
        }
        // Query strings of the wrong type on top, now and then (a long where a word is, a word where a number is).
        if (_random.Next(4) == 0)
            text.Append(_random.Next(3) switch { 0 => "?offset=abc", 1 => "?offset=-1&after=x&limit=1e999", _ => "?node=%00&job=" + new string('x', 300) });
        return text.ToString();
    }

    // Ids in the right format that name nothing this coordinator has (writes must still be refused for them).
    private string GoodLooking(string name) => name switch
    {
        "address" => "ts1" + Hex(20),
        _ when _random.Next(2) == 0 => Hex(32),
        _ => "j" + Hex(6) + "-r" + _random.Next(10),
    };

    // Bodies that are wrong in some way every time: no spec, account or amount is ever complete and valid.
    private byte[] Body()
    {
        var text = _random.Next(9) switch
        {
            0 => "{\"amount\": " + Huge() + "}",
            1 => "{\"" + Field() + "\": \"" + Field() + "\"",                    // truncated
            2 => "[" + string.Join(",", Enumerable.Range(0, _random.Next(1, 50)).Select(_ => Huge())) + "]",
            3 => "\"" + new string('x', _random.Next(1, 5000)) + "\"",
            4 => "{" + string.Join(",", Enumerable.Range(0, _random.Next(1, 8)).Select(_ => $"\"{Field()}\": {Value()}")) + ", \"amount\": -1}",
            5 => "{\"spec\": {\"model\": 7, \"dataset\": [], \"rounds\": -3}, \"budget\": \"lots\"}",
            6 => new string('{', _random.Next(1, 3000)),
            7 => "",
            _ => "{\"publicKey\": \"" + Convert.ToBase64String(Bytes(_random.Next(1, 100))) + "\", \"" + Field() + "\": " + Value() + "}",
        };
        return Encoding.UTF8.GetBytes(text);
    }

    private string Field() => FieldNames[_random.Next(FieldNames.Length)];

    private string Value() => _random.Next(6) switch
    {
        0 => Huge(),
        1 => "\"" + Field() + "\"",
        2 => "null",
        3 => "true",
        4 => "{\"" + Field() + "\": [" + Huge() + "]}",
        _ => "[]",
    };

    private string Huge() => _random.Next(6) switch
    {
        0 => "-9223372036854775809",
        1 => "1e400",
        2 => "-" + _random.Next(),
        3 => "18446744073709551616",
        4 => "0.0000001",
        _ => "-0",
    };

    private byte[] Bytes(int n)
    {
        var bytes = new byte[n];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string Hex(int bytes) => Convert.ToHexStringLower(Bytes(bytes));
}
