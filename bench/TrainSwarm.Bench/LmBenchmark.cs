using System.Diagnostics;
using System.Text.Json;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Tensors;

namespace TrainSwarm.Bench;

/// <summary>Training tokens per second of a GPT preset: ours here, PyTorch's through tools/bench/gpt_torch.py with the same settings.</summary>
public static class LmBenchmark
{
    /// <summary>Settings both sides use.</summary>
    public sealed record Options(string Preset, int Batch, int SeqLen, int Steps, int Warmup, int Threads);

    /// <summary>Our figure: <paramref name="o"/>.Warmup untimed steps, then <paramref name="o"/>.Steps timed ones, on the fortunes stream.</summary>
    public static (double TokensPerSecond, double Seconds, long Parameters) Measure(Options o, int[] tokens)
    {
        Engine.Threads = o.Threads;
        var model = new GptModel(GptConfig.Preset(o.Preset, ByteTokenizer.VocabSize), seed: 0);
        var spec = new LmTrainingSpec(o.Batch, o.SeqLen, o.Warmup + o.Steps);
        var trainer = new LmTrainer(model, spec, tokens, seed: 0);
        for (int i = 0; i < o.Warmup; i++) trainer.Step();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < o.Steps; i++) trainer.Step();
        double seconds = clock.Elapsed.TotalSeconds;
        return ((double)o.Steps * o.Batch * o.SeqLen / seconds, seconds, model.ParameterCount);
    }

    /// <summary>Finds tools/bench/gpt_torch.py above the working directory or the assembly.</summary>
    public static string? FindScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Path.Combine(dir.FullName, "tools", "bench", "gpt_torch.py") is var p && File.Exists(p)) return p;
        return null;
    }

    /// <summary>PyTorch's JSON line for the same settings.</summary>
    public static async Task<JsonElement> TorchAsync(string python, string script, Options o, CancellationToken cancellation)
    {
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The same OpenBLAS kernels as ours: the engine may have chosen them for this CPU (see Engine.OpenBlasCoreType).
        if (TrainSwarm.Tensors.Engine.OpenBlasCoreType is { } core) psi.Environment["OPENBLAS_CORETYPE"] = core;
        foreach (var arg in new[] { script, "--preset", o.Preset, "--batch", $"{o.Batch}", "--seq-len", $"{o.SeqLen}", "--steps", $"{o.Steps}",
                     "--warmup", $"{o.Warmup}", "--threads", $"{o.Threads}" })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"gpt_torch.py failed (exit {process.ExitCode}): {(await stderr).Trim().Split('\n').LastOrDefault()}");
        var line = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException("gpt_torch.py printed nothing");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
