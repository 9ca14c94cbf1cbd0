using TrainSwarm.Learning.Rl;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Tests.Rl;

/// <summary>
/// One whole PPO minibatch step against PyTorch running stable_baselines3's PPO.train arithmetic (tools/golden/make_golden.py, ppo_step):
/// advantage normalization, the loss and its parts, every parameter's gradient, the global norm that clipping measured, and the
/// parameters after the Adam step. Tolerance |ours - torch| ≤ atol + rtol·|torch|: losses, gradients and the norm atol 1e-5,
/// rtol 1e-4; parameters after Adam atol 2e-5, rtol 1e-4 (as GoldenModelTests explains, Adam's first step magnifies rounding).
/// </summary>
public class PpoGoldenTests(ITestOutputHelper log)
{
    private void Close(string what, ReadOnlySpan<float> actual, float[] expected, double atol, double rtol = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = Math.Abs(actual[i] - (double)expected[i]) - rtol * Math.Abs(expected[i]);
            if (e > worst || double.IsNaN(actual[i])) { worst = double.IsNaN(actual[i]) ? double.PositiveInfinity : e; at = i; }
        }
        log.WriteLine($"{what}: worst excess {worst:E2} (atol {atol:E0}, rtol {rtol:E0})");
        Assert.True(worst <= atol, $"{what}[{at}] = {actual[at]}, torch {expected[at]}");
    }

    [Fact]
    public void A_ppo_minibatch_step_matches_pytorch()
    {
        var f = SafeTensorsReader.Read(Path.Combine(AppContext.BaseDirectory, "golden", "ppo_step.safetensors"));
        float Meta(string key) => float.Parse(f.Metadata[key], System.Globalization.CultureInfo.InvariantCulture);
        var model = new ActorCritic(4, 2, [8, 8], new Rng(0));
        foreach (var (name, p) in model.NamedParameters()) f["param." + name].AsF32().CopyTo(p.Span);

        var obs = Tensor.Persistent(f["obs"].AsF32(), 16, 4);
        var returns = Tensor.Persistent(f["returns"].AsF32(), 16, 1);
        var actions = f["actions"].AsI64().Select(v => (int)v).ToArray();
        var advantages = f["advantages"].AsF32();
        PpoLoss.NormalizeAdvantages(advantages);
        var adam = new Adam(model.Parameters(), lr: 1e-3f, eps: 1e-5f);

        using var scope = TensorScope.Begin();
        var terms = PpoLoss.Compute(model, obs, actions, f["old_log_prob"].AsF32(), advantages, returns, Meta("clip_range"), Meta("vf_coef"),
            Meta("ent_coef"));
        Close("policy_loss", terms.PolicyLoss.Span, f["policy_loss"].AsF32(), 1e-5);
        Close("value_loss", terms.ValueLoss.Span, f["value_loss"].AsF32(), 1e-5);
        Close("loss", terms.Loss.Span, f["loss"].AsF32(), 1e-5);
        terms.Loss.Backward();
        foreach (var (name, p) in model.NamedParameters()) Close("grad." + name, p.Grad!.Span, f["grad." + name].AsF32(), 1e-5);
        double norm = GradientClipping.ClipGradNorm(model.Parameters(), Meta("max_grad_norm"));
        Close("total_norm", [(float)norm], f["total_norm"].AsF32(), 1e-5);
        Assert.True(norm > Meta("max_grad_norm"), "the case should exercise clipping");
        using (GradMode.NoGrad()) adam.Step();
        foreach (var (name, p) in model.NamedParameters()) Close("adam1." + name, p.Span, f["adam1." + name].AsF32(), 2e-5);
    }
}
