using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>Where the benchmark's processes run: `taskset -c` lists for the nodes and the services, and the devices' `--device`.</summary>
internal sealed record Pinning(string? Nodes, string? Services, string? Device);

/// <summary>
/// Where one image round's wall time went, from the coordinator's phase times and the slowest receipt's compute seconds: open → training
/// (the nodes joining), training → validating (the slowest node's compute, plus fetching the model and shard and uploading), validating →
/// done (the validator: scoring every update on the holdout, replays, the new model's holdout and test evaluation, posting, settlement).
/// </summary>
internal sealed record RoundPhases(double Wall, double Join, double Train, double Compute, double Validate, IReadOnlyList<string> Devices)
{
    /// <summary>The phases of <paramref name="round"/> (a done round) whose slowest node trained <paramref name="compute"/> seconds.</summary>
    public static RoundPhases Of(RoundView round, double compute, IEnumerable<string> devices)
    {
        var opened = round.OpenedAt;
        var training = round.TrainingAt ?? opened;
        var validating = round.ValidatingAt ?? training;
        var done = round.DoneAt!.Value;
        return new((done - opened).TotalSeconds, (training - opened).TotalSeconds, (validating - training).TotalSeconds, compute,
            (done - validating).TotalSeconds, [.. devices]);
    }

    /// <summary>
    /// The `coordination_overhead` line. `mean_fraction` is the anchor's definition, (round wall − slowest node's training) / round wall, over
    /// the whole round; Flower's round has no validator in it (FedAvg averages what comes back), so `without_validation_fraction` takes the
    /// validating phase out of both sides: (round wall − validate − slowest training) / (round wall − validate). The means of each phase
    /// per round say where the rest went. A node that trained on a GPU has far fewer compute seconds than the validator's CPU work beside it,
    /// so the devices the receipts name are printed too.
    /// </summary>
    public static object Figure(IReadOnlyList<RoundPhases> rounds, int innerSteps, Pinning cpus)
    {
        static double R(double x) => Math.Round(x, 4);
        var whole = rounds.Select(r => (r.Wall - r.Compute) / r.Wall).Order().ToList();
        var withoutValidation = rounds.Select(r => (r.Wall - r.Validate - r.Compute) / (r.Wall - r.Validate)).Order().ToList();
        return new
        {
            figure = "coordination_overhead", inner_steps = innerSteps, rounds = rounds.Count,
            mean_fraction = R(whole.Average()), median_fraction = R(whole[whole.Count / 2]),
            without_validation_fraction = R(withoutValidation.Average()), without_validation_median = R(withoutValidation[withoutValidation.Count / 2]),
            round_s = R(rounds.Average(r => r.Wall)), join_s = R(rounds.Average(r => r.Join)), compute_s = R(rounds.Average(r => r.Compute)),
            train_other_s = R(rounds.Average(r => r.Train - r.Compute)), validate_s = R(rounds.Average(r => r.Validate)),
            node_cpus = cpus.Nodes ?? "any", service_cpus = cpus.Services ?? "any",
            node_devices = string.Join(",", rounds.SelectMany(r => r.Devices).Distinct().Order()), device_option = cpus.Device ?? "auto",
            definition = "(round wall time - slowest node's compute seconds) / round wall time; without_validation: validating -> done taken out of both",
        };
    }
}
