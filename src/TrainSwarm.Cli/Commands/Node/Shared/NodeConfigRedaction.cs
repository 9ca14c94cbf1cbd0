namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// Hides anything secret-looking before a config is shown: PEM blocks and the password part of a URL. The file
/// never holds a private key (only key_file, a path), but a hand-edited value might, and screens get shared.
/// </summary>
public static class NodeConfigRedaction
{
    /// <summary>What is printed in place of a secret.</summary>
    public const string Mask = "<redacted>";

    /// <summary><paramref name="value"/> with secrets masked; null stays null.</summary>
    public static string? Redact(string? value)
    {
        if (value is null)
            return null;
        if (value.Contains("-----BEGIN", StringComparison.Ordinal) || value.Contains("PRIVATE KEY", StringComparison.OrdinalIgnoreCase))
            return Mask;
        // http://user:password@host keeps the user (it says whose it is) and masks the password.
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            var user = uri.UserInfo[..uri.UserInfo.IndexOf(':', StringComparison.Ordinal)];
            return value.Replace(uri.UserInfo + "@", $"{user}:{Mask}@", StringComparison.Ordinal);
        }
        return value;
    }

    /// <summary>A copy of <paramref name="config"/> with every free-text value redacted (numbers and names cannot hold secrets).</summary>
    public static NodeConfig Redact(NodeConfig config) => config with
    {
        Coordinator = Redact(config.Coordinator),
        KeyFile = Redact(config.KeyFile),
        Name = Redact(config.Name),
        DataDir = Redact(config.DataDir),
        Paths = config.Paths is null ? null : new SortedDictionary<string, string>(config.Paths.ToDictionary(p => p.Key, p => Redact(p.Value)!),
            StringComparer.Ordinal),
    };
}
