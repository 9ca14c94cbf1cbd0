using TrainSwarm.Daemons;
using TrainSwarm.Daemons.Devices;
using TrainSwarm.Learning.Data;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>The replay check of an image round on a validator's GPU, for receipts trained on a GPU of its kind.</summary>
internal static class GpuReplay
{
    /// <summary>
    /// The GPU's check of <paramref name="spec"/>'s round on the validator's one <paramref name="gpu"/> trainer (one CUDA context for the whole
    /// process), or null without a GPU or when the CUDA backend has no path for the spec.
    /// </summary>
    public static ReplayCheck? Check(GpuRoundTrainer? gpu, JobSpec spec, byte[] baseModel, LabeledImages train, ShardCache shards)
    {
        if (gpu is null || GpuRoundTrainer.Unsupported(RoundTrainingSpecs.From(spec), train) is not null)
            return null;
        return new ReplayCheck(spec, baseModel, new ImageReplayTrainer(spec, train, shards, gpu));
    }
}
