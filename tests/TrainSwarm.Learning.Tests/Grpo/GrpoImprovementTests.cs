using TrainSwarm.Learning.Grpo;

namespace TrainSwarm.Learning.Tests.Grpo;

/// <summary>GRPO against the model it starts from, on held-out prompts it never trained on.</summary>
public class GrpoImprovementTests(ITestOutputHelper log)
{
    // Held-out prompts GRPO must add, of 200. The run is bitwise deterministic on one machine but not across CPUs (their BLAS
    // kernels sum in different orders, and the pre-trained model already differs): with lr 2e-5, seed 0 measured 66 -> 73 on one
    // AVX-512 EPYC and 40 -> 41 on another (OpenBLAS picking Haswell kernels there). So the test asks only for a strict gain; the
    // gain itself is weak at this model size (see the README's GRPO figures), and a larger margin held on one machine only.
    private const int Margin = 1;

    [Fact]
    public void Grpo_raises_held_out_exact_match_over_the_pre_trained_model()
    {
        // The `grpo` preset as `swarm train --preset grpo` runs it (seed 0): 2-digit addition and subtraction, 200 held-out prompts.
        var settings = ArithmeticGrpoSettings.Preset(seed: 0);
        var report = ArithmeticGrpo.Run(settings);
        foreach (var round in report.Rounds)
            log.WriteLine($"round {round.Round}: mean reward {round.MeanReward:F4}, held-out exact {round.HeldOut.Accuracy:P1}, {round.Seconds:F1} s");
        log.WriteLine($"held-out exact match {report.Before.Accuracy:P1} -> {report.After.Accuracy:P1}; pre-training {report.PretrainSeconds:F1} s, " +
            $"GRPO {report.GrpoSeconds:F1} s");
        // The pre-trained model is partly right, so GRPO's groups have signal.
        Assert.InRange(report.Before.Accuracy, 0.10, 0.60);
        Assert.True(report.After.Correct >= report.Before.Correct + Margin,
            $"GRPO moved held-out exact match from {report.Before.Correct} to {report.After.Correct} of {report.After.Total}, not up by {Margin}");
    }
}
