using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// PPO's optimization phase, as SB3's PPO.train: for each epoch, the rollout is shuffled and cut into minibatches; each minibatch's
/// advantages are normalized, and the loss clipped-surrogate + vf_coef·MSE(values, returns) - ent_coef·entropy is minimized by one Adam
/// step after clipping the gradients' global norm.
/// </summary>
public sealed class PpoUpdate
{
    private readonly ActorCritic _model;
    private readonly PpoConfig _config;
    private readonly Rng _rng;
    private readonly Adam _optimizer;
    private readonly IReadOnlyList<Tensor> _parameters;

    /// <summary>Creates the optimizer (Adam, eps from the config); <paramref name="rng"/> shuffles the minibatches.</summary>
    public PpoUpdate(ActorCritic model, PpoConfig config, Rng rng)
    {
        _model = model;
        _config = config;
        _rng = rng;
        _parameters = model.Parameters();
        _optimizer = new Adam(_parameters, config.LearningRate, eps: config.AdamEps);
    }

    /// <summary>The optimizer, for checkpoints.</summary>
    public Optimizer Optimizer => _optimizer;

    /// <summary>Gradient steps taken so far.</summary>
    public int GradientSteps { get; private set; }

    /// <summary>Runs the epochs over <paramref name="buffer"/> with this update's learning rate and clip range.</summary>
    public UpdateStats Run(RolloutBuffer buffer, float learningRate, float clipRange, List<float>? lossCurve = null)
    {
        _optimizer.LearningRate = learningRate;
        int size = buffer.Size, o = buffer.ObservationSize, batch = Math.Min(_config.BatchSize, size);
        var order = new int[size];
        var obs = new float[batch * o];
        var actions = new int[batch];
        var oldLogProbs = new float[batch];
        var advantages = new float[batch];
        var returns = new float[batch];
        double policyLoss = 0, valueLoss = 0, entropy = 0, clipFraction = 0, approxKl = 0;
        int minibatches = 0;
        using var scope = TensorScope.Begin();
        for (int epoch = 0; epoch < _config.Epochs; epoch++)
        {
            for (int i = 0; i < size; i++) order[i] = i;
            _rng.Shuffle<int>(order);
            for (int start = 0; start < size; start += batch)
            {
                int m = Math.Min(batch, size - start);
                for (int j = 0; j < m; j++)
                {
                    int k = order[start + j];
                    buffer.Observations.AsSpan(k * o, o).CopyTo(obs.AsSpan(j * o, o));
                    actions[j] = buffer.Actions[k];
                    oldLogProbs[j] = buffer.LogProbs[k];
                    advantages[j] = buffer.Advantages[k];
                    returns[j] = buffer.Returns[k];
                }
                if (_config.NormalizeAdvantage) PpoLoss.NormalizeAdvantages(advantages.AsSpan(0, m));
                var s = Step(obs.AsSpan(0, m * o), actions.AsSpan(0, m), oldLogProbs.AsSpan(0, m), advantages.AsSpan(0, m),
                    returns.AsSpan(0, m), clipRange);
                lossCurve?.Add(s.Loss);
                policyLoss += s.PolicyLoss;
                valueLoss += s.ValueLoss;
                entropy += s.Entropy;
                clipFraction += s.ClipFraction;
                approxKl += s.ApproxKl;
                minibatches++;
                scope.Reset();
            }
        }
        return new UpdateStats(minibatches, policyLoss / minibatches, valueLoss / minibatches, entropy / minibatches, clipFraction / minibatches,
            approxKl / minibatches, learningRate, clipRange);
    }

    private MinibatchStats Step(ReadOnlySpan<float> obsValues, ReadOnlySpan<int> actions, ReadOnlySpan<float> oldLogProbs,
        ReadOnlySpan<float> advantages, ReadOnlySpan<float> returnValues, float clipRange)
    {
        int m = actions.Length;
        var obs = Tensor.FromArray(obsValues, m, _model.ObservationSize);
        var returns = Tensor.FromArray(returnValues, m, 1);
        _optimizer.ZeroGrad();
        var terms = PpoLoss.Compute(_model, obs, actions, oldLogProbs, advantages, returns, clipRange, _config.ValueCoef, _config.EntropyCoef);
        var (loss, policyLoss, valueLoss, logProb, entropy) = terms;
        loss.Backward();
        GradientClipping.ClipGradNorm(_parameters, _config.MaxGradNorm);
        using (GradMode.NoGrad()) _optimizer.Step();
        GradientSteps++;

        int clipped = 0;
        double kl = 0;
        var lp = logProb.Span;
        for (int i = 0; i < m; i++)
        {
            double logRatio = lp[i] - oldLogProbs[i];
            if (Math.Abs(Math.Exp(logRatio) - 1) > clipRange) clipped++;
            kl += Math.Exp(logRatio) - 1 - logRatio;
        }
        double meanEntropy = 0;
        foreach (float h in entropy.Span) meanEntropy += h;
        return new MinibatchStats(loss.Item(), policyLoss.Item(), valueLoss.Item(), meanEntropy / m, (double)clipped / m, kl / m);
    }

    private readonly record struct MinibatchStats(float Loss, float PolicyLoss, float ValueLoss, double Entropy, double ClipFraction, double ApproxKl);
}

/// <summary>Means over one update's minibatches, and the schedule values it ran with.</summary>
public readonly record struct UpdateStats(int Minibatches, double PolicyLoss, double ValueLoss, double Entropy, double ClipFraction, double ApproxKl,
    float LearningRate, float ClipRange);
