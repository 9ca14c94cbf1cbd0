using TrainSwarm.Learning.Data;
using TrainSwarm.Nn;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Training;

/// <summary>Accuracy and mean loss of a classifier on a labeled set, without recording gradients.</summary>
public static class Evaluator
{
    /// <summary>Evaluates in batches of <paramref name="batchSize"/> (the last one may be smaller).</summary>
    public static EvalResult Evaluate(Module model, LabeledImages data, int batchSize = 1000)
    {
        if (data.Count == 0) throw new ArgumentException("cannot evaluate on an empty dataset");
        long correct = 0;
        double lossSum = 0;
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            var x = Tensor.FromArray(data.Pixels.AsSpan(start * data.SampleSize, n * data.SampleSize), n, data.Channels, data.Height, data.Width);
            var labels = data.Labels.AsSpan(start, n);
            var logits = model.Forward(x);
            lossSum += Ops.CrossEntropy(logits, labels).Item() * (double)n;
            correct += CountCorrect(logits, labels);
            scope.Reset();
        }
        return new EvalResult(data.Count, (double)correct / data.Count, lossSum / data.Count);
    }

    /// <summary>Rows whose largest logit (first on ties, like argmax) is the label.</summary>
    public static int CountCorrect(Tensor logits, ReadOnlySpan<int> labels)
    {
        int rows = logits.Size(0), cols = logits.Size(1), correct = 0;
        var s = logits.Span;
        for (int r = 0; r < rows; r++)
        {
            var row = s.Slice(r * cols, cols);
            int best = 0;
            for (int c = 1; c < cols; c++) if (row[c] > row[best]) best = c;
            if (best == labels[r]) correct++;
        }
        return correct;
    }
}

/// <summary>Samples evaluated, fraction classified correctly, mean cross-entropy.</summary>
public readonly record struct EvalResult(int Samples, double Accuracy, double Loss);
