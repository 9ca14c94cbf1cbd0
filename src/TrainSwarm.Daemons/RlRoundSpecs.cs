using TrainSwarm.Learning.Rl;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons;

/// <summary>Maps an rl job spec to the engine's round settings; node and validator map it alike, so a replay repeats the node's run.</summary>
public static class RlRoundSpecs
{
    /// <summary>The PPO configuration of <paramref name="spec"/>'s rl settings (evaluation during training off: that is the validator's).</summary>
    public static PpoConfig Ppo(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var rl = spec.RlSettings;
        return new PpoConfig
        {
            Envs = rl.Envs, Steps = rl.Steps, BatchSize = rl.BatchSize, Epochs = rl.Epochs, Gamma = (float)rl.Gamma, GaeLambda = (float)rl.GaeLambda,
            LearningRate = (float)rl.LearningRate, ClipRange = (float)rl.ClipRange, LinearSchedule = rl.LinearSchedule,
            EntropyCoef = (float)rl.EntropyCoef, ValueCoef = (float)rl.ValueCoef, MaxGradNorm = (float)rl.MaxGradNorm, Hidden = [.. rl.Hidden],
            TotalTimesteps = rl.ScheduleTimesteps, EvalEvery = 0, EvalEpisodes = rl.EvalEpisodes, TargetReturn = rl.TargetReturn, StopAtTarget = false,
        };
    }

    /// <summary>The round settings of <paramref name="spec"/>: its environment and PPO, rollouts per round, a commitment every commitEvery rollouts.</summary>
    public static RlRoundSpec From(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new RlRoundSpec(spec.RlSettings.Environment, Ppo(spec), spec.RlSettings.RolloutsPerRound, spec.CommitInterval);
    }

    /// <summary>
    /// Where on the schedule a node starts round <paramref name="roundIndex"/>: the steps one node took in the rounds before it.
    /// Every node of the round starts at the same place, as one process would after that many rounds.
    /// </summary>
    public static long TimestepsBefore(JobSpec spec, int roundIndex)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(roundIndex);
        return checked(roundIndex * spec.RlSettings.EnvStepsPerUpdate);
    }

    /// <summary>
    /// The seed of a node's round: the round's seed plus its slot, as the image rounds derive theirs, so no two nodes of a round
    /// collect the same episodes. A node's assignment carries this seed already; a validator derives it from the round's view.
    /// </summary>
    public static ulong NodeSeed(ulong roundSeed, int slot) => roundSeed + (ulong)slot;

    /// <summary>
    /// The seed of the round's evaluation episodes: derived from the round's audit secret, which the coordinator reveals only after
    /// the uploads are in, so no node can tune its delta to the episodes it will be scored on. Without a secret (it failed to open
    /// the round's commitment) the round seed is used and the validator says so.
    /// </summary>
    public static ulong EvalSeed(string? auditSecret, ulong roundSeed)
    {
        if (auditSecret is null)
            return roundSeed ^ 0xE7A1_5EED_0000_0000UL;
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("rl-eval\0" + auditSecret));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(digest) >> 16;
    }
}
