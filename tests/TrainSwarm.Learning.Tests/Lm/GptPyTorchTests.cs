using System.Diagnostics;
using System.Globalization;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Tests.Lm;

/// <summary>
/// Our saved gpt-tiny weights load into the plain PyTorch module tools/gpt/gpt2.py (load_state_dict strict) and give our logits,
/// |Δ| ≤ 1e-4 (tools/gpt/check_logits.py). Needs /usr/bin/python3 with python3-torch (test.sh installs it); the reverse direction
/// (PyTorch's weights into our model) is GptGoldenTests and needs no torch.
/// </summary>
public class GptPyTorchTests(ITestOutputHelper log)
{
    [TorchFact]
    public void Saved_gpt_tiny_loads_into_the_PyTorch_module_and_gives_the_same_logits()
    {
        string root = RepoRoot();
        var config = GptConfig.Preset("gpt-tiny", ByteTokenizer.VocabSize);
        var model = new GptModel(config, seed: 11);
        var ids = ByteTokenizer.Encode("Q: What is a fortune?\nA: A short text, chosen at random.\n" + new string('x', 60))[..(2 * 48)];
        float[] logits;
        using (GradMode.NoGrad())
        using (TensorScope.Begin())
            logits = model.Forward(ids, 2, 48).ToArray();
        var dir = Directory.CreateTempSubdirectory("gpt-check-");
        try
        {
            string weights = Path.Combine(dir.FullName, "w.safetensors"), caseFile = Path.Combine(dir.FullName, "case.safetensors");
            ModuleWeights.Save(model, weights);
            SafeTensorsWriter.WriteFile(caseFile, [NamedArray.I32("ids", ids, [2, 48]), NamedArray.F32("logits", logits, [2, 48, config.VocabSize])],
                new Dictionary<string, string>
                {
                    ["block_size"] = config.BlockSize.ToString(CultureInfo.InvariantCulture),
                    ["n_layer"] = config.Layers.ToString(CultureInfo.InvariantCulture), ["n_head"] = config.Heads.ToString(CultureInfo.InvariantCulture),
                });
            var (code, output) = Run("/usr/bin/python3", Path.Combine(root, "tools", "gpt", "check_logits.py"), weights, caseFile);
            log.WriteLine(output);
            Assert.True(code == 0, $"PyTorch's logits differ: {output}");
            Assert.Contains("\"parameters\": 1058544", output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    internal static bool TorchAvailable() => File.Exists("/usr/bin/python3") && Run("/usr/bin/python3", "-c", "import torch").Code == 0;

    internal static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "TrainSwarm.slnx"))) return d.FullName;
        throw new DirectoryNotFoundException("the repository root (TrainSwarm.slnx) is not above the test assembly");
    }
}

/// <summary>A fact reported as skipped, never as passed, when /usr/bin/python3 cannot import torch.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TorchFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> s_available = new(GptPyTorchTests.TorchAvailable);

    public TorchFactAttribute()
    {
        if (!s_available.Value) Skip = "python3-torch is not installed (apt-get install python3-torch); GptGoldenTests covers the PyTorch match without it";
    }
}
