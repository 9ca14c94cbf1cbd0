namespace TrainSwarm.Architecture.Tests;

/// <summary>The repository's tracked source files, found from the test assembly's folder upwards.</summary>
internal static class SourceTree
{
    /// <summary>The folder holding TrainSwarm.slnx.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TrainSwarm.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("TrainSwarm.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Files under <paramref name="folder"/> (relative to the root) with one of the extensions, build outputs and npm packages left out.</summary>
    public static IEnumerable<string> Files(string folder, params string[] extensions) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f), StringComparer.Ordinal))
            .Where(f => !IsGenerated(Relative(f)))
            .Order(StringComparer.Ordinal);

    /// <summary>A path relative to the root, with forward slashes.</summary>
    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static bool IsGenerated(string relative) =>
        relative.Split('/').Any(part => part is "bin" or "obj" or "node_modules" or "lib" or "TestResults");

    /// <summary>The src projects by name (TrainSwarm.X), each with its csproj path.</summary>
    public static IReadOnlyDictionary<string, string> SourceProjects() =>
        Directory.EnumerateDirectories(Path.Combine(Root, "src"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj"))
            .Where(File.Exists)
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => p, StringComparer.Ordinal);
}
