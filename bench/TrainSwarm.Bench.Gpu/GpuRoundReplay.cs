using TrainSwarm.Cuda.Selection;
using TrainSwarm.Daemons.Devices;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Bench.Gpu;

/// <summary>
/// The swarm's contract on the GPU: a node's round (<see cref="GpuRoundTrainer.Train"/>, 60 steps over more than one epoch of a
/// 1,024-sample shard, a commitment every 15) and a validator's replay of every segment from the checkpoint committed before it
/// (<see cref="GpuRoundTrainer.Replay"/>, all in the trainer's one CUDA context, as a validator's are) must give the same weight and state
/// hashes bitwise.
/// </summary>
public static class GpuRoundReplay
{
    public static Dictionary<string, object> Run(GpuInfo gpu, string model, string optimizer, SyntheticSet data, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        const int samples = 1024;
        var shard = new LabeledImages(data.Images.AsSpan(0, samples * SyntheticSet.Features).ToArray(), data.Labels.AsSpan(0, samples).ToArray(),
            1, 28, 28, SyntheticSet.Classes);
        var spec = new RoundTrainingSpec(model, null, optimizer, optimizer == "adam" ? 1e-3 : 0.01, 0.9, 32, 60, 15);
        var baseModel = SafeTensorsWriter.ToBytes(ModuleWeights.Export(ModelPresets.Create(model, seed)));
        using var trainer = new GpuRoundTrainer(gpu);
        var run = trainer.Train(baseModel, spec, shard, seed);
        int equal = 0;
        for (int i = 0; i < run.Commitments.Count; i++)
        {
            int from = i == 0 ? 0 : run.Commitments[i - 1].Step;
            var start = SafeTensorsReader.Read(i == 0 ? baseModel : run.Checkpoints![i - 1]);
            var replayed = trainer.Replay(start, from, spec, shard, seed, run.Commitments[i].Step)[^1];
            if (replayed.Sha256 == run.Commitments[i].Sha256 && replayed.State == run.Commitments[i].State) equal++;
        }
        var again = trainer.Train(baseModel, spec, shard, seed);
        return new Dictionary<string, object>
        {
            ["figure"] = "gpu_round_replay", ["model"] = model, ["optimizer"] = optimizer, ["kind"] = gpu.Kind, ["steps"] = spec.InnerSteps,
            ["segments"] = run.Commitments.Count, ["segments_replayed_equal"] = equal,
            ["second_run_equal"] = again.Commitments.SequenceEqual(run.Commitments),
            ["last_weights_sha256"] = run.Commitments[^1].Sha256[..16], ["cuda_contexts"] = trainer.ContextsCreated,
        };
    }
}
