using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TrainSwarm.Dashboard.Hosting;

/// <summary>
/// Serves the dashboard's browser files (its scripts, styles, the chart library and blazor.web.js) from resources
/// embedded in this assembly. Static web asset manifests only work for `dotnet run` or a published app; the
/// coordinator runs from a plain build output and in-process in tests, where embedded files always are at hand.
/// </summary>
internal static class DashboardAssets
{
    /// <summary>Where the dashboard's own files are served.</summary>
    public const string ContentPrefix = "/_content/TrainSwarm.Dashboard";

    private const string ResourcePrefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    }.ToFrozenDictionary();

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(Load);

    /// <summary>The embedded file at <paramref name="path"/> (relative to wwwroot, e.g. <c>js/keys.js</c>), or null.</summary>
    public static byte[]? Find(string path) => Files.Value.GetValueOrDefault(path);

    /// <summary>Maps <c>/_content/TrainSwarm.Dashboard/{path}</c> and <c>/_framework/blazor.web.js</c>.</summary>
    public static IEndpointRouteBuilder MapDashboardAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet(ContentPrefix + "/{**path}", (string path, HttpContext http) => Serve(path, http)).ExcludeFromDescription();
        app.MapGet("/_framework/blazor.web.js", (HttpContext http) => Serve("_framework/blazor.web.js", http)).ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(string path, HttpContext http)
    {
        var bytes = Find(path);
        if (bytes is null || path.StartsWith("_framework/", StringComparison.Ordinal) && http.Request.Path.StartsWithSegments(ContentPrefix))
            return TypedResults.NotFound();
        // The files change only with a new build; a short cache keeps reloads fast without serving stale code for long.
        http.Response.Headers.CacheControl = "public, max-age=300";
        var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
        return TypedResults.Bytes(bytes, type);
    }

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files[name[ResourcePrefix.Length..].Replace('\\', '/')] = buffer.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
