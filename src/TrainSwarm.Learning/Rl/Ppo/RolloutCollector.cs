using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// Fills a <see cref="RolloutBuffer"/> by running the current policy in a <see cref="VectorEnv"/>, as SB3's
/// OnPolicyAlgorithm.collect_rollouts: actions are sampled from the policy's categorical distribution with a seeded generator, a
/// truncated episode's reward gets γ·V(final observation) added (its return would have gone on), and GAE runs at the end.
/// The environments carry over from one rollout to the next.
/// </summary>
public sealed class RolloutCollector
{
    private readonly VectorEnv _env;
    private readonly ActorCritic _model;
    private readonly RolloutBuffer _buffer;
    private readonly float _gamma, _lambda;
    private readonly Rng _rng;
    private readonly bool[] _episodeStarts, _dones;
    private readonly int[] _actions;
    private readonly float[] _rewards, _values, _logProbs, _lastValues;

    /// <summary>Collects from <paramref name="env"/> into <paramref name="buffer"/>, sampling actions with <paramref name="rng"/>.</summary>
    public RolloutCollector(VectorEnv env, ActorCritic model, RolloutBuffer buffer, float gamma, float lambda, Rng rng)
    {
        if (buffer.Envs != env.Count || buffer.ObservationSize != env.Environment.ObservationSize)
            throw new ArgumentException("the buffer's shape does not match the environments");
        _env = env;
        _model = model;
        _buffer = buffer;
        _gamma = gamma;
        _lambda = lambda;
        _rng = rng;
        int n = env.Count;
        _episodeStarts = new bool[n];
        _episodeStarts.AsSpan().Fill(true);
        _dones = new bool[n];
        _actions = new int[n];
        _rewards = new float[n];
        _values = new float[n];
        _logProbs = new float[n];
        _lastValues = new float[n];
    }

    /// <summary>Collects one rollout (replacing the buffer's contents) and computes its advantages and returns.</summary>
    public RolloutStats Collect()
    {
        _buffer.Clear();
        int n = _env.Count, o = _env.Environment.ObservationSize;
        int episodes = 0;
        double returnSum = 0;
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        while (!_buffer.Full)
        {
            var obs = Tensor.FromArray(_env.Observations, n, o);
            var logits = _model.Forward(obs);
            Sample(logits.Span, _model.ActionCount, _actions);
            Ops.CategoricalLogProb(logits, _actions).Span.CopyTo(_logProbs);
            _model.ValueOf(obs).Span.CopyTo(_values);

            _env.Step(_actions);
            _env.Rewards.CopyTo(_rewards);
            for (int e = 0; e < n; e++)
            {
                _dones[e] = _env.Done(e);
                if (!_dones[e]) continue;
                episodes++;
                returnSum += _env.FinishedReturns[e];
                if (_env.Truncated[e])
                {
                    var final = Tensor.FromArray(_env.FinalObservations.Slice(e * o, o), 1, o);
                    _rewards[e] += _gamma * _model.ValueOf(final).Span[0];
                }
            }
            _buffer.Add(obs.Span, _actions, _rewards, _episodeStarts, _values, _logProbs);
            _dones.CopyTo(_episodeStarts, 0);
            scope.Reset();
        }
        var last = Tensor.FromArray(_env.Observations, n, o);
        _model.ValueOf(last).Span.CopyTo(_lastValues);
        _buffer.ComputeReturnsAndAdvantage(_lastValues, _dones, _gamma, _lambda);
        return new RolloutStats(_buffer.Size, episodes, episodes > 0 ? returnSum / episodes : double.NaN);
    }

    /// <summary>Inverse-CDF sampling of each row's softmax with one uniform draw per row, in double so the choice is exact.</summary>
    private void Sample(ReadOnlySpan<float> logits, int actionCount, Span<int> actions)
    {
        for (int r = 0; r < actions.Length; r++)
        {
            var row = logits.Slice(r * actionCount, actionCount);
            double max = double.NegativeInfinity;
            foreach (float v in row) max = Math.Max(max, v);
            double total = 0;
            foreach (float v in row) total += Math.Exp(v - max);
            double u = _rng.NextDouble() * total, acc = 0;
            int chosen = actionCount - 1;
            for (int c = 0; c < actionCount; c++)
            {
                acc += Math.Exp(row[c] - max);
                if (u < acc) { chosen = c; break; }
            }
            actions[r] = chosen;
        }
    }
}

/// <summary>What one rollout saw: transitions, episodes that ended in it and their mean return (NaN if none ended).</summary>
public readonly record struct RolloutStats(int Transitions, int Episodes, double MeanEpisodeReturn);
