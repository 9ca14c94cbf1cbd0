using TrainSwarm.Learning.Models;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// FLOPs of PPO per environment step, counted exactly with <see cref="FlopCounter"/>'s convention over the <see cref="ActorCritic"/>'s
/// two MLPs (policy: obs → hidden… → actions; value: obs → hidden… → 1; tanh between). Each step is acted on once (forward of
/// both networks, for the action and the value estimate) and then trained on in every epoch (forward + backward of both).
/// The environment's own arithmetic, the bootstrap value of each rollout's last observation and Adam's per-step update are
/// left out, as the supervised count leaves out the loss and the optimizer.
/// </summary>
public static class RlFlops
{
    /// <summary>Forward and training FLOPs of one transition through both networks.</summary>
    public static FlopCount Networks(string environment, IReadOnlyList<int> hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var env = Environments.Create(environment);
        var policy = FlopCounter.Count("", Layers(env.ObservationSize, hidden, env.ActionCount), [env.ObservationSize]);
        var value = FlopCounter.Count("", Layers(env.ObservationSize, hidden, 1), [env.ObservationSize]);
        return new FlopCount(checked(policy.Forward + value.Forward), checked(policy.Training + value.Training));
    }

    /// <summary>FLOPs one environment step costs over a round: acting once, then <paramref name="epochs"/> training passes.</summary>
    public static long PerEnvStep(string environment, IReadOnlyList<int> hidden, int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        var n = Networks(environment, hidden);
        return checked(n.Forward + epochs * n.Training);
    }

    /// <summary>FLOPs of the policy network alone for one observation (what evaluation costs per step).</summary>
    public static long PolicyForward(string environment, IReadOnlyList<int> hidden)
    {
        var env = Environments.Create(environment);
        return FlopCounter.Count("", Layers(env.ObservationSize, hidden, env.ActionCount), [env.ObservationSize]).Forward;
    }

    private static List<string> Layers(int inputs, IReadOnlyList<int> hidden, int outputs)
    {
        var layers = new List<string>();
        var width = inputs;
        foreach (var h in hidden)
        {
            layers.Add($"linear({width},{h})");
            layers.Add("tanh");
            width = h;
        }
        layers.Add($"linear({width},{outputs})");
        return layers;
    }
}
