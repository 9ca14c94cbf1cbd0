using TrainSwarm.Nn;
using TrainSwarm.Nn.Init;
using TrainSwarm.Nn.Layers;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// Stable-Baselines3's MlpPolicy for discrete actions with separate networks: a tanh MLP to action logits and another to a value.
/// Weights are orthogonal as SB3 initializes them (gain √2 for hidden layers, 0.01 for the action layer, 1 for the value layer),
/// biases zero. <see cref="Forward"/> gives logits (B, A); <see cref="ValueOf"/> gives values (B, 1). Parameters are named
/// "pi.*" and "vf.*".
/// </summary>
public sealed class ActorCritic : Module
{
    /// <summary>Builds both networks and initializes them from <paramref name="rng"/>.</summary>
    public ActorCritic(int observationSize, int actionCount, IReadOnlyList<int> hidden, Rng rng)
    {
        ObservationSize = observationSize;
        ActionCount = actionCount;
        Policy = Mlp(observationSize, hidden, actionCount, 0.01f, rng);
        Value = Mlp(observationSize, hidden, 1, 1f, rng);
    }

    public int ObservationSize { get; }
    public int ActionCount { get; }

    /// <summary>Observations (B, O) to action logits (B, A).</summary>
    public Sequential Policy { get; }

    /// <summary>Observations (B, O) to values (B, 1).</summary>
    public Sequential Value { get; }

    public override Tensor Forward(Tensor input) => Policy.Forward(input);

    /// <summary>State values of <paramref name="observations"/>: (B, O) -> (B, 1).</summary>
    public Tensor ValueOf(Tensor observations) => Value.Forward(observations);

    public override IEnumerable<(string Name, Tensor Value)> NamedParameters()
    {
        foreach (var (name, value) in Policy.NamedParameters()) yield return ("pi." + name, value);
        foreach (var (name, value) in Value.NamedParameters()) yield return ("vf." + name, value);
    }

    public override string ToString() => $"ActorCritic(pi={Policy}, vf={Value})";

    private static Sequential Mlp(int inputs, IReadOnlyList<int> hidden, int outputs, float outputGain, Rng rng)
    {
        var layers = new List<Module>();
        int width = inputs;
        foreach (int h in hidden)
        {
            layers.Add(Orthogonal(new Linear(width, h, rng), MathF.Sqrt(2f), rng));
            layers.Add(new Tanh());
            width = h;
        }
        layers.Add(Orthogonal(new Linear(width, outputs, rng), outputGain, rng));
        return new Sequential([.. layers]);
    }

    private static Linear Orthogonal(Linear layer, float gain, Rng rng)
    {
        Initializers.Orthogonal(layer.Weight, gain, rng);
        if (layer.Bias is { } b) Initializers.Constant(b, 0f);
        return layer;
    }
}
