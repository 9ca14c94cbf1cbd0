using TrainSwarm.Learning.Grpo;

namespace TrainSwarm.Learning.Tests.Grpo;

public class ArithmeticTasksTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 1000)]
    public void At_most_half_the_expected_held_out_set_can_be_drawn_and_that_many_can(int digits, int most)
    {
        var tasks = new ArithmeticTasks(digits);
        // 2 × 10^digits × 10^digits problems, 10% held out, half of those.
        Assert.Equal(most, tasks.MaxHeldOutCount);
        Assert.Equal(most, tasks.HeldOut(most, 1).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => tasks.HeldOut(most + 1, 1));
    }

    [Fact]
    public void Problems_have_exact_answers_written_as_text()
    {
        Assert.Equal("12+345=", new ArithmeticProblem(12, '+', 345).Prompt);
        Assert.Equal("357", new ArithmeticProblem(12, '+', 345).Answer);
        Assert.Equal("-333", new ArithmeticProblem(12, '-', 345).Answer);
        Assert.Equal("0", new ArithmeticProblem(7, '-', 7).Answer);
        Assert.Equal("99-9=90\n", new ArithmeticProblem(99, '-', 9).Line);
    }

    [Fact]
    public void Train_and_held_out_sets_are_disjoint_over_the_whole_two_digit_space()
    {
        var tasks = new ArithmeticTasks(digits: 2);
        var heldOut = new HashSet<ArithmeticProblem>();
        for (int a = 0; a < 100; a++)
            for (int b = 0; b < 100; b++)
                foreach (char op in "+-")
                    if (tasks.IsHeldOut(new ArithmeticProblem(a, op, b))) heldOut.Add(new ArithmeticProblem(a, op, b));
        // 20,000 problems, 10% held out by hash: 2,000 expected; the exact count is fixed by SHA-256.
        Assert.InRange(heldOut.Count, 1800, 2200);
        // Enough training draws to hit almost every training problem many times: none is ever a held-out one.
        foreach (ulong seed in new ulong[] { 0, 1, 2 })
            Assert.DoesNotContain(tasks.Train(50_000, seed), heldOut.Contains);
        var drawn = tasks.HeldOut(500, seed: 3);
        Assert.All(drawn, p => Assert.Contains(p, heldOut));
        Assert.Equal(500, drawn.Distinct().Count());
    }

    [Fact]
    public void Draws_are_seeded_and_stay_within_the_difficulty()
    {
        var tasks = new ArithmeticTasks(digits: 3);
        Assert.Equal(tasks.Train(100, seed: 4), tasks.Train(100, seed: 4));
        Assert.NotEqual(tasks.Train(100, seed: 4), tasks.Train(100, seed: 5));
        Assert.All(tasks.Train(1000, seed: 6), p => Assert.True(p.Left is >= 0 and < 1000 && p.Right is >= 0 and < 1000));
        Assert.True(tasks.Train(1000, seed: 6).Max(p => p.Answer.Length + 1) <= tasks.MaxCompletionTokens);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArithmeticTasks(digits: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArithmeticTasks(digits: 1).HeldOut(100, seed: 0));
    }

    [Fact]
    public void Reward_is_exact_match_plus_a_format_bonus()
    {
        Assert.Equal(new RewardResult(true, true, 1.1f), VerifiableReward.Score("357\n", "357"));
        Assert.Equal(new RewardResult(true, true, 1.1f), VerifiableReward.Score("-333\n", "-333"));
        Assert.Equal(new RewardResult(false, true, 0.1f), VerifiableReward.Score("358\n", "357"));
        Assert.Equal(new RewardResult(false, false, 0f), VerifiableReward.Score("357", "357"));    // never terminated
        Assert.Equal(new RewardResult(false, false, 0f), VerifiableReward.Score("35a\n", "357"));
        Assert.Equal(new RewardResult(false, false, 0f), VerifiableReward.Score("-\n", "357"));
        Assert.Equal(new RewardResult(false, false, 0f), VerifiableReward.Score("\n", "357"));
    }

    [Fact]
    public void Group_advantages_are_standardized_within_each_group()
    {
        float[] rewards = [1.1f, 0.1f, 0.1f, 0.1f, 0.5f, 0.5f, 0.5f, 0.5f];
        var a = GrpoTrainer.GroupAdvantages(rewards, groupSize: 4, eps: 1e-4f);
        // Group 1: mean 0.35, population std sqrt(3·0.25²+0.75²)/2 = 0.4330127.
        double std = Math.Sqrt((0.75 * 0.75 + 3 * 0.25 * 0.25) / 4);
        Assert.Equal(0.75 / (std + 1e-4), a[0], 1e-5);
        Assert.Equal(-0.25 / (std + 1e-4), a[1], 1e-5);
        // Group 2: equal rewards carry no signal.
        Assert.All(a[4..], v => Assert.Equal(0f, v));
    }
}
