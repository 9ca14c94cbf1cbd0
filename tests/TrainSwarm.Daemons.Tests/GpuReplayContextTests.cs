using System.Diagnostics;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Daemons.Devices;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Daemons.Tests;

/// <summary>
/// A validator's GPU replays share one CUDA context (one NVRTC compile, one cuBLAS handle) across segments and threads, and still match the
/// node's commitments bitwise. Without a GPU this runs on tools/gpu/cpu-cuda, the CPU stand-in for the CUDA libraries, which it builds with
/// g++: the stand-in proves the host code's context handling, not a GPU's numbers. Where g++ is missing there is nothing to run it on.
/// </summary>
public sealed class GpuReplayContextTests
{
    [Fact]
    public async Task A_round_and_every_segment_replayed_on_other_threads_use_one_context_and_match_bitwise()
    {
        var libraries = BuildStandIn();
        if (libraries is null) return;
        try
        {
            await ReplaysShareOneContext(libraries);
        }
        finally
        {
            // The loaded library stays mapped; only the folder goes.
            Directory.Delete(libraries, recursive: true);
        }
    }

    private static async Task ReplaysShareOneContext(string libraries)
    {
        Environment.SetEnvironmentVariable("TRAINSWARM_CUDA_LIB_DIR", libraries);
        var found = new CudaProbe().Probe();
        Assert.True(found.Devices.Count > 0, found.Missing);
        var gpu = found.Devices[0];
        var spec = new RoundTrainingSpec("mlp", null, "adam", 1e-3, 0, 16, 12, 4);
        var shard = Images(48);
        var baseModel = SafeTensorsWriter.ToBytes(ModuleWeights.Export(ModelPresets.Create("mlp", 3)));
        using var trainer = new GpuRoundTrainer(gpu);
        var run = trainer.Train(baseModel, spec, shard, 5);
        Assert.Equal([4, 8, 12], run.Commitments.Select(c => c.Step));
        for (int i = 0; i < run.Commitments.Count; i++)
        {
            int from = i == 0 ? 0 : run.Commitments[i - 1].Step;
            var start = SafeTensorsReader.Read(i == 0 ? baseModel : run.Checkpoints![i - 1]);
            // The thread pool, as the validator's replays run: the context must be made current on each thread.
            var replayed = await Task.Run(() => trainer.Replay(start, from, spec, shard, 5, run.Commitments[i].Step));
            Assert.Equal(run.Commitments[i].Sha256, replayed[^1].Sha256);
            Assert.Equal(run.Commitments[i].State, replayed[^1].State);
        }
        Assert.Equal(1, trainer.ContextsCreated);
        trainer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => trainer.Train(baseModel, spec, shard, 5));
    }

    // Builds the stand-in into a fresh folder; null when this machine has no g++ to build it (or to compile the kernels with).
    private static string? BuildStandIn()
    {
        if (!File.Exists("/usr/bin/g++")) return null;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tools", "gpu", "cpu-cuda", "build.sh"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var output = Path.Combine(Path.GetTempPath(), "cpu-cuda-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(dir.FullName, "tools", "gpu", "cpu-cuda", "build.sh"));
        psi.ArgumentList.Add(output);
        using var build = Process.Start(psi)!;
        var errors = build.StandardError.ReadToEndAsync();
        build.StandardOutput.ReadToEnd();
        Assert.True(build.WaitForExit(TimeSpan.FromMinutes(5)), "the stand-in's build did not finish");
        Assert.True(build.ExitCode == 0, errors.Result);
        return output;
    }

    private static LabeledImages Images(int count)
    {
        var pixels = new float[count * 784];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (i * 7 % 255) / 255f;
        return new LabeledImages(pixels, [.. Enumerable.Range(0, count).Select(i => i % 10)], 1, 28, 28, 10);
    }
}
