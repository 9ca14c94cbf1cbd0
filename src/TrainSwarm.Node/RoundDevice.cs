using TrainSwarm.Cuda.Selection;
using TrainSwarm.Daemons.Devices;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Training;
using TrainSwarm.Tensors;

namespace TrainSwarm.Node;

/// <summary>A round's training and the device kind that did it, which the receipt records.</summary>
public sealed record DeviceTraining(RoundTrainingResult Result, string Device);

/// <summary>
/// Where a node trains an image round: on its GPU when it has one and the CUDA backend has a path for the round's model, optimizer and
/// data (<see cref="GpuRoundTrainer.Unsupported"/>), else on the CPU engine, with one log line that says why.
/// </summary>
public static class RoundDevice
{
    /// <summary>Trains <paramref name="spec"/> on <paramref name="shard"/> from <paramref name="baseModel"/> on <paramref name="gpu"/> or the CPU.</summary>
    public static DeviceTraining Train(GpuInfo? gpu, byte[] baseModel, RoundTrainingSpec spec, LabeledImages shard, ulong seed,
        Action<RoundStep> onStep, Action<string> log, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (gpu is not null)
        {
            if (GpuRoundTrainer.Unsupported(spec, shard) is not { } reason)
            {
                using var trainer = new GpuRoundTrainer(gpu);
                return new(trainer.Train(baseModel, spec, shard, seed, onStep, cancellation), gpu.Kind);
            }
            log($"trains on the cpu ({Engine.DeviceKind}): {reason}");
        }
        return new(RoundTrainer.Train(baseModel, spec, shard, seed, onStep, cancellation: cancellation), Engine.DeviceKind);
    }
}
