namespace TrainSwarm.Cli.Hosting;

/// <summary>
/// Whether the process may colour what it writes: never into a file or a pipe (a log must read as plain text), and never
/// when <c>NO_COLOR</c> is set to anything (no-color.org). One rule for the Spectre console and the coordinator's logger.
/// </summary>
public static class ConsoleColors
{
    /// <summary>The rule itself, for a given redirection and <c>NO_COLOR</c> value.</summary>
    public static bool Allowed(bool redirected, string? noColor) => !redirected && string.IsNullOrEmpty(noColor);

    /// <summary>The rule for this process's standard output and environment.</summary>
    public static bool AllowedForStandardOutput() => Allowed(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("NO_COLOR"));
}
