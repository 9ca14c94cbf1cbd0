using System.Xml.Linq;

namespace TrainSwarm.Architecture.Tests;

/// <summary>Project references point one way, as DESIGN.md's Solution layout lists them.</summary>
public sealed class ReferenceTests
{
    // Each project's allowed direct references; anything these reach is allowed too (Storage may name Protocol
    // because Coordination does). The Cli is the composition root and may reference anything.
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["TrainSwarm.Tensors"] = [],
        ["TrainSwarm.Nn"] = ["TrainSwarm.Tensors"],
        ["TrainSwarm.Learning"] = ["TrainSwarm.Nn"],
        ["TrainSwarm.Ledger"] = [],
        // Ledger: wire transfers carry the ledger's pure transfer types and amounts (Ledger itself references nothing).
        ["TrainSwarm.Protocol"] = ["TrainSwarm.Ledger"],
        ["TrainSwarm.Coordination"] = ["TrainSwarm.Ledger", "TrainSwarm.Protocol"],
        ["TrainSwarm.Storage"] = ["TrainSwarm.Coordination", "TrainSwarm.Ledger"],
        // Learning: the dataset catalogue's facts and the model builder that checks a job spec.
        ["TrainSwarm.Coordinator"] = ["TrainSwarm.Storage", "TrainSwarm.Coordination", "TrainSwarm.Learning"],
        ["TrainSwarm.Client"] = ["TrainSwarm.Protocol"],
        ["TrainSwarm.Dashboard"] = ["TrainSwarm.Client"],
        // Cuda: the GPU round trainer that node and validator share (Devices/GpuRoundTrainer).
        ["TrainSwarm.Daemons"] = ["TrainSwarm.Client", "TrainSwarm.Learning", "TrainSwarm.Cuda"],
        ["TrainSwarm.Node"] = ["TrainSwarm.Daemons"],
        ["TrainSwarm.Validator"] = ["TrainSwarm.Daemons", "TrainSwarm.Coordination"],
        // The CUDA backend stands alone: interop, device memory and kernels; the bench and the CLI join it to the CPU engine.
        ["TrainSwarm.Cuda"] = [],
    };

    public static TheoryData<string> Projects() => new(SourceTree.SourceProjects().Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Projects))]
    public void References_point_one_way(string project)
    {
        if (project == "TrainSwarm.Cli")
            return;
        Assert.True(Allowed.ContainsKey(project), $"{project} is not in the layout; add it to DESIGN.md and to this test");
        var reachable = Closure(project);
        var refused = References(project).Where(r => !reachable.Contains(r)).ToList();
        Assert.True(refused.Count == 0, $"{project} references {string.Join(", ", refused)}, which the layout does not allow");
    }

    [Theory]
    [InlineData("TrainSwarm.Coordinator", "TrainSwarm.Dashboard")]
    [InlineData("TrainSwarm.Coordination", "TrainSwarm.Tensors")]
    public void Named_references_are_gone(string project, string reference) =>
        Assert.DoesNotContain(reference, References(project));

    private static HashSet<string> Closure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>(Allowed[project]);
        while (todo.TryPop(out var next))
        {
            if (seen.Add(next))
                foreach (var further in Allowed.GetValueOrDefault(next, []))
                    todo.Push(further);
        }
        return seen;
    }

    private static List<string> References(string project) =>
        XDocument.Load(SourceTree.SourceProjects()[project])
            .Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();
}
