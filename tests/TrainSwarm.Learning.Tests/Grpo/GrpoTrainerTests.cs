using TrainSwarm.Learning.Grpo;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Tests.Grpo;

public class GrpoTrainerTests(ITestOutputHelper log)
{
    private static readonly GptConfig Small = new(ByteTokenizer.VocabSize, 32, 2, 4, 32);

    private static List<VerifiablePrompt> Prompts(int count, ulong seed) =>
        [.. new ArithmeticTasks(digits: 2).Train(count, seed).Select(p => p.ToPrompt())];

    [Fact]
    public void Grpo_from_saved_weights_is_bitwise_identical_for_one_and_two_threads_and_seeded()
    {
        var policy = new GptModel(Small, seed: 1);
        // A short supervised start so the groups' rewards differ and the advantages are not all zero.
        AnswerPretrainer.Train(policy, new AnswerPretrainSpec(Steps: 20, BatchSize: 16), Prompts(200, 2), seed: 3);
        var weights = ModuleWeights.ToBytes(policy);
        var reference = ModuleWeights.ToBytes(new GptModel(Small, seed: 4));
        var spec = new GrpoSpec(Steps: 3, PromptsPerStep: 4, GroupSize: 4, MaxNewTokens: 5, Lr: 1e-3);
        var prompts = Prompts(50, 5);
        GrpoResult Run(int threads, ulong seed)
        {
            int saved = Engine.Threads;
            Engine.Threads = threads;
            try
            {
                return GrpoTrainer.Train(weights, reference, Small, spec, prompts, seed);
            }
            finally
            {
                Engine.Threads = saved;
            }
        }
        var one = Run(1, seed: 7);
        var two = Run(2, seed: 7);
        log.WriteLine($"losses {string.Join(", ", one.LossCurve)}; mean reward {one.MeanReward:F4}; KL {string.Join(", ", one.Steps.Select(s => s.Kl))}");
        Assert.Equal(one.LossCurve, two.LossCurve);
        Assert.Equal(one.Prompts, two.Prompts);
        Assert.Equal(SafeTensorsWriter.ToBytes(one.Weights), SafeTensorsWriter.ToBytes(two.Weights));
        Assert.NotEqual(weights, SafeTensorsWriter.ToBytes(one.Weights));
        Assert.Equal(3 * 4 * 4, one.Completions);
        Assert.Equal(12, one.Prompts.Count);
        // The reference differs from the policy from the first step: the KL estimate is positive.
        Assert.True(one.Steps[0].Kl > 0);
        var other = Run(2, seed: 8);
        Assert.NotEqual(one.Prompts, other.Prompts);
    }

    [Fact]
    public void Greedy_exact_match_counts_exactly_right_answers()
    {
        var model = new GptModel(Small, seed: 9);
        AnswerPretrainer.Train(model, new AnswerPretrainSpec(Steps: 30, BatchSize: 16), Prompts(200, 10), seed: 11);
        var heldOut = new ArithmeticTasks(digits: 2).HeldOut(40, seed: 12).Select(p => p.ToPrompt()).ToList();
        var result = ExactMatchEvaluator.Evaluate(model, heldOut, maxNewTokens: 5);
        var again = ExactMatchEvaluator.Evaluate(model, heldOut, maxNewTokens: 5);
        Assert.Equal(result, again);
        Assert.Equal(40, result.Total);
        // Recount one by one with the single-sequence greedy sampler: batching must not change a completion.
        int correct = heldOut.Count(p =>
        {
            var ids = LmSamplerGreedy(model, p.Prompt);
            return VerifiableReward.Score(ids, p.Answer).Exact;
        });
        Assert.Equal(correct, result.Correct);
    }

    private static string LmSamplerGreedy(GptModel model, string prompt) =>
        ByteTokenizer.Decode(Training.LmSampler.Generate(model, ByteTokenizer.Encode(prompt), 5, seed: 0, temperature: 0, stopAt: '\n'));
}
