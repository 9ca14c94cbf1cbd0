using TrainSwarm.Learning.Rl;

namespace TrainSwarm.Learning.Tests.Rl;

public class RlFlopsTests
{
    [Fact]
    public void CartPole_ppo_flops_per_env_step_are_counted_by_hand()
    {
        // Policy 4→64→64→2 with tanh: linear(4,64) 64·(2·4+1) = 576, tanh 64, linear(64,64) 64·129 = 8256, tanh 64, linear(64,2) 258:
        // forward 9218; training = 3 × linear + 2 × tanh = 27,526. Value 4→64→64→1: forward 9089, training 27,139.
        var n = RlFlops.Networks(CartPole.Id, [64, 64]);
        Assert.Equal((9_218L + 9_089, 27_526L + 27_139), (n.Forward, n.Training));
        Assert.Equal(9_218, RlFlops.PolicyForward(CartPole.Id, [64, 64]));
        // Acting once, then 20 epochs of forward + backward: 18,307 + 20 × 54,665.
        Assert.Equal(1_111_607, RlFlops.PerEnvStep(CartPole.Id, [64, 64], 20));
    }
}
