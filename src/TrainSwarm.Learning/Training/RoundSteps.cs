using TrainSwarm.Learning.Data;
using TrainSwarm.Nn;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// The inner-loop pieces a node's training (<see cref="RoundTrainer"/>) and a validator's replay (<see cref="RoundReplayer"/>)
/// share, written once so that the two cannot drift apart: a replay is only worth anything while it is bitwise the same
/// computation as the run it checks.
/// </summary>
internal static class RoundSteps
{
    /// <summary>Moves <paramref name="loader"/> past the batches of the first <paramref name="steps"/> steps (after its first StartEpoch).</summary>
    /// <remarks>Seeking is only shuffling and counting (no data is copied), so a late segment costs its own steps alone.</remarks>
    public static void Seek(MiniBatchLoader loader, int steps)
    {
        for (int step = 1; step <= steps; step++)
        {
            if (!loader.TrySkip())
            {
                loader.StartEpoch();
                loader.TrySkip();
            }
        }
    }

    /// <summary>One optimizer step on the loader's next batch, copied into <paramref name="input"/>; returns its loss.</summary>
    /// <remarks>The caller resets its tensor scope after each step.</remarks>
    public static float Step(Module model, Optimizer optimizer, MiniBatchLoader loader, Tensor input, int[] labels)
    {
        // H rarely matches an epoch: start the next epoch (a fresh shuffle from the same stream) when one runs out.
        if (!loader.TryNext(input.Span, labels))
        {
            loader.StartEpoch();
            loader.TryNext(input.Span, labels);
        }
        optimizer.ZeroGrad();
        var loss = Ops.CrossEntropy(model.Forward(input), labels);
        loss.Backward();
        using (GradMode.NoGrad()) optimizer.Step();
        return loss.Item();
    }

    /// <summary>
    /// Whether the run commits after <paramref name="step"/>: every CommitEvery steps and always at the round's last step
    /// (spec.InnerSteps, not a replay's stop), so a partial replay makes exactly the commitments the full run made up to there.
    /// </summary>
    public static bool Commits(RoundTrainingSpec spec, int step) => CommitmentLog.IsDue(spec.CommitEvery, spec.InnerSteps, step);
}
