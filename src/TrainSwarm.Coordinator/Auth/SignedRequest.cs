using Microsoft.AspNetCore.Http;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Auth;

/// <summary>A request whose signature checked out: who signed it and the exact body bytes they signed.</summary>
public sealed record SignedRequest(string Actor, byte[] Body)
{
    private const string ItemKey = "trainswarm.signed";

    /// <summary>The verified request of this HTTP exchange (set by <see cref="SignatureFilter"/>).</summary>
    public static SignedRequest From(HttpContext context) =>
        context.Items[ItemKey] as SignedRequest ?? throw new InvalidOperationException("the endpoint is missing its signature filter");

    internal void Attach(HttpContext context) => context.Items[ItemKey] = this;

    /// <summary>The body as JSON of type <typeparamref name="T"/>; a malformed body is a 400.</summary>
    public T Read<T>() => Parse<T>(Body);

    /// <summary>A body (signed or not) as JSON of type <typeparamref name="T"/>; a malformed body is a 400.</summary>
    public static T Parse<T>(byte[] body)
    {
        try
        {
            return SwarmJson.DeserializeRequest<T>(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw Refuse.Invalid($"the body is not a valid {typeof(T).Name}: {e.Message}");
        }
    }
}
