namespace TrainSwarm.CheatingNode;

/// <summary>The ways a <see cref="CheatingTrainer"/> cheats, one per process (the <c>--cheat</c> flag).</summary>
public enum Cheat
{
    /// <summary>Uploads an all-zero delta and claims a full round of work (a free rider).</summary>
    Zero,

    /// <summary>Waits for another node's update of the same round and delivers the very same blob as its own.</summary>
    Copy,

    /// <summary>Trains 80% of the steps, claims all of them, and fakes the commitments of the skipped ones.</summary>
    Skip,

    /// <summary>Trains another shard than the one assigned, and claims the assigned one.</summary>
    WrongShard,

    /// <summary>Trains honestly but claims twice the samples it trained on.</summary>
    LieSamples,

    /// <summary>
    /// An rl job's sign-flip: trains its PPO round honestly, then delivers the opposite delta (global − Δ), which lowers the
    /// policy's return, with a receipt whose last commitment and final weights match what it uploads. Only a replay of that last
    /// segment can tell; otherwise the quality rule must make it earn less.
    /// </summary>
    LowerReturn,

    /// <summary>
    /// Trains honestly but keeps only its last state (the one uploaded with the update), so it cannot answer a validator's
    /// request for an earlier one: the silence a skipper would keep about the states that expose it, which is fraud.
    /// </summary>
    WithholdState,

    /// <summary>
    /// Not a cheat: trains honestly on the CPU, but its receipt names a GPU kind (<see cref="Cheats.ForeignDevice"/>), as a node on
    /// such a GPU would. A validator without that GPU cannot replay it bitwise, so it must skip the replay, neither pass nor fail it.
    /// </summary>
    ForeignDevice,
}

/// <summary>The command-line names of <see cref="Cheat"/>.</summary>
public static class Cheats
{
    /// <summary>Every cheat by its flag value.</summary>
    public static readonly IReadOnlyDictionary<string, Cheat> ByName = new Dictionary<string, Cheat>(StringComparer.Ordinal)
    {
        ["zero"] = Cheat.Zero, ["copy"] = Cheat.Copy, ["skip"] = Cheat.Skip, ["wrong-shard"] = Cheat.WrongShard, ["lie-samples"] = Cheat.LieSamples,
        ["lower-return"] = Cheat.LowerReturn, ["withhold-state"] = Cheat.WithholdState, ["foreign-device"] = Cheat.ForeignDevice,
    };

    /// <summary>The device kind a <see cref="Cheat.ForeignDevice"/> receipt names.</summary>
    public const string ForeignDevice = "NVIDIA H100 80GB HBM3 sm_90";
}
