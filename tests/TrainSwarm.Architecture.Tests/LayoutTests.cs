using System.Text.RegularExpressions;

namespace TrainSwarm.Architecture.Tests;

/// <summary>The shape DESIGN.md asks for (Solution layout, Style), checked on the sources themselves.</summary>
public sealed partial class LayoutTests
{
    private const int MaxLineLength = 160;
    private const int MaxTypeLines = 500;

    [Fact]
    public void No_line_is_longer_than_160_characters()
    {
        var offenders = new List<string>();
        foreach (var folder in new[] { "src", "tests", "bench", "tools" })
        {
            if (!Directory.Exists(Path.Combine(SourceTree.Root, folder)))
                continue;
            foreach (var file in SourceTree.Files(folder, ".cs", ".razor"))
            {
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    if (lines[i].Length > MaxLineLength)
                        offenders.Add($"{SourceTree.Relative(file)}:{i + 1} ({lines[i].Length})");
                }
            }
        }
        Assert.True(offenders.Count == 0, $"{offenders.Count} lines over {MaxLineLength} characters:\n" + string.Join("\n", offenders.Take(40)));
    }

    /// <summary>
    /// A file bounds the types it declares, so a file of at most 500 lines holds no longer type; a partial type is
    /// measured over all its files. Ops (one op per partial file, by design) is the exception DESIGN.md names.
    /// </summary>
    [Fact]
    public void No_type_is_longer_than_500_lines_across_its_partial_files()
    {
        var offenders = new List<string>();
        var partials = new Dictionary<string, (int Lines, List<string> Files)>(StringComparer.Ordinal);
        foreach (var file in SourceTree.Files("src", ".cs"))
        {
            var text = File.ReadAllText(file);
            var lines = text.Split('\n').Length;
            var relative = SourceTree.Relative(file);
            var project = relative.Split('/')[1];
            var declared = PartialType().Matches(text).Select(m => m.Groups["name"].Value).Distinct().ToList();
            if (declared.Count == 0 && lines > MaxTypeLines)
                offenders.Add($"{relative}: {lines} lines");
            foreach (var name in declared.Where(n => n != "Ops"))
            {
                var key = project + "." + name;
                var (sum, files) = partials.GetValueOrDefault(key, (0, new List<string>()));
                files.Add(relative);
                partials[key] = (sum + lines, files);
            }
        }
        offenders.AddRange(partials.Where(p => p.Value.Lines > MaxTypeLines)
            .Select(p => $"{p.Key}: {p.Value.Lines} lines over {string.Join(", ", p.Value.Files)}"));
        Assert.True(offenders.Count == 0, "types over 500 lines:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_cli_lays_commands_out_by_noun_and_verb()
    {
        var commands = Path.Combine(SourceTree.Root, "src/TrainSwarm.Cli/Commands");
        var flat = Directory.EnumerateFiles(commands, "*.cs", SearchOption.TopDirectoryOnly).Select(SourceTree.Relative).ToList();
        Assert.True(flat.Count == 0, "files directly in Commands/ (give each a noun folder):\n" + string.Join("\n", flat));
        Assert.NotEmpty(Directory.EnumerateDirectories(commands));
    }

    [Theory]
    [InlineData("NetworkRetry")]
    [InlineData("DatasetCache")]
    public void Shared_daemon_pieces_exist_once(string typeName)
    {
        var declaring = SourceTree.Files("src", ".cs")
            .Where(f => Regex.IsMatch(File.ReadAllText(f), $@"\b(class|record|struct)\s+{typeName}\b"))
            .Select(SourceTree.Relative)
            .ToList();
        Assert.True(declaring.Count == 1, $"{typeName} is declared in {declaring.Count} files: {string.Join(", ", declaring)}");
    }

    [Fact]
    public void Every_source_project_has_its_own_test_project()
    {
        var missing = SourceTree.SourceProjects().Keys
            .Where(name => !File.Exists(Path.Combine(SourceTree.Root, "tests", name + ".Tests", name + ".Tests.csproj")))
            .ToList();
        Assert.True(missing.Count == 0, "no test project for: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_pure_domain_speaks_no_http()
    {
        var offenders = new[] { "src/TrainSwarm.Coordination", "src/TrainSwarm.Ledger" }
            .SelectMany(folder => SourceTree.Files(folder, ".cs"))
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => HttpWords().IsMatch(l.Text))
            .Select(l => $"{SourceTree.Relative(l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "HTTP or I/O in the pure domain:\n" + string.Join("\n", offenders));
    }

    [GeneratedRegex(@"\bpartial\s+(?:class|record|struct|interface)\s+(?<name>\w+)")]
    private static partial Regex PartialType();

    // HTTP status numbers in a constructor call, ASP.NET's StatusCodes, and the file, network and console APIs.
    [GeneratedRegex(@"\bnew\s*\(\s*4\d\d\b|StatusCodes\.|\bHttpClient\b|System\.Net\.Http|\bFile\.|\bDirectory\.|\bConsole\.")]
    private static partial Regex HttpWords();
}
