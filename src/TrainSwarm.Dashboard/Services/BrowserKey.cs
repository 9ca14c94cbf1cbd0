using Microsoft.JSInterop;

namespace TrainSwarm.Dashboard.Services;

/// <summary>The address and public key of the key kept in the browser.</summary>
/// <param name="PublicKey">SubjectPublicKeyInfo DER, base64.</param>
public sealed record BrowserKeyInfo(string Address, string PublicKey);

/// <summary>
/// The creator's ECDSA P-256 key, held by the browser (Web Crypto, persisted as PKCS#8 in the browser's storage).
/// The server only ever sees its public key and the signatures it makes: bytes go to the browser, r||s comes back.
/// </summary>
public sealed class BrowserKey(IJSRuntime js)
{
    /// <summary>The stored key, or null when this browser has none yet.</summary>
    public async Task<BrowserKeyInfo?> CurrentAsync() => await js.InvokeAsync<BrowserKeyInfo?>("trainswarm.keys.current");

    /// <summary>Generates a new key in the browser (replacing none: callers check <see cref="CurrentAsync"/> first).</summary>
    public async Task<BrowserKeyInfo> GenerateAsync() => await js.InvokeAsync<BrowserKeyInfo>("trainswarm.keys.generate");

    /// <summary>Forgets the stored key.</summary>
    public async Task ForgetAsync() => await js.InvokeVoidAsync("trainswarm.keys.forget");

    /// <summary>Signs <paramref name="message"/> (ECDSA P-256 over SHA-256) in the browser; returns r||s (64 bytes).</summary>
    public async Task<byte[]> SignAsync(byte[] message)
    {
        var signature = Convert.FromBase64String(await js.InvokeAsync<string>("trainswarm.keys.sign", Convert.ToBase64String(message)));
        if (signature.Length != 64)
            throw new InvalidOperationException($"the browser returned a {signature.Length}-byte signature; ECDSA P-256 r||s has 64");
        return signature;
    }
}
