using System.Diagnostics;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Grpo;

/// <summary>
/// Supervised pre-training settings: <paramref name="BatchSize"/> problems per step, AdamW (weight decay on the matrices) with
/// warm-up then cosine decay, clipping at global norm <paramref name="GradClip"/>.
/// </summary>
public sealed record AnswerPretrainSpec(int Steps, int BatchSize = 64, double MaxLr = 3e-3, double MinLr = 3e-4, int WarmupSteps = 20,
    double WeightDecay = 0.1, double GradClip = 1.0)
{
    /// <summary>The schedule these settings give.</summary>
    public CosineSchedule Schedule => new(MaxLr, MinLr, WarmupSteps, Steps);
}

/// <summary>
/// Teaches a <see cref="GptModel"/> the task's format and some of its answers: each step takes a batch of problems, one
/// sequence each ("12+34=46\n"), and minimizes the cross-entropy of the answer and its newline only (the prompt's operands are
/// random, so predicting them teaches nothing), each answer's tokens averaged, then the answers averaged, as in SFT of an
/// instruction model. Batches are drawn from the seed; the result is fixed by (model, spec, problems, seed).
/// </summary>
public static class AnswerPretrainer
{
    private const int Padding = ByteTokenizer.EndOfText;

    /// <summary>Trains spec.Steps steps in place; returns each step's loss (nats per answer token, averaged over answers).</summary>
    public static IReadOnlyList<float> Train(GptModel model, AnswerPretrainSpec spec, IReadOnlyList<VerifiablePrompt> problems, ulong seed,
        Action<int, float>? onStep = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.BatchSize);
        if (problems.Count == 0) throw new ArgumentException("pre-training needs at least one problem");
        var rng = new Rng(seed);
        var optimizer = new AdamW(model.ParameterGroups((float)spec.WeightDecay), (float)spec.MaxLr, 0.9f, 0.95f);
        var ones = Enumerable.Repeat(1f, spec.BatchSize).ToArray();
        var curve = new List<float>(spec.Steps);
        var prompts = new int[spec.BatchSize][];
        var answers = new int[spec.BatchSize][];
        for (int step = 0; step < spec.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int i = 0; i < spec.BatchSize; i++)
            {
                var p = problems[rng.NextInt(problems.Count)];
                prompts[i] = ByteTokenizer.Encode(p.Prompt);
                answers[i] = ByteTokenizer.Encode(p.Answer + "\n");
            }
            // Advantages of 1 and the batch's weights 1 / (rows · |answer|) make Σ w·log p the mean per-answer log-likelihood.
            var batch = TokenBatch.Build(prompts, answers, ones, Padding);
            float loss;
            using (TensorScope.Begin())
            {
                optimizer.ZeroGrad();
                var logits = model.Forward(batch.Inputs, batch.Rows, batch.Time);
                var logProb = Ops.CategoricalLogProb(Ops.Reshape(logits, batch.Rows * batch.Time, model.Config.VocabSize), batch.Targets);
                var weights = Tensor.FromArray(batch.Weights, batch.Weights.Length);
                var l = Ops.Scale(Ops.Sum(Ops.Mul(logProb, weights)), -1f);
                loss = l.Item();
                l.Backward();
            }
            using (GradMode.NoGrad())
            {
                GradientClipping.ClipGradNorm(optimizer.Parameters, spec.GradClip);
                optimizer.LearningRate = (float)spec.Schedule.At(step);
                optimizer.Step();
            }
            curve.Add(loss);
            onStep?.Invoke(step + 1, loss);
        }
        return curve;
    }
}
