using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// Three validator processes judge every round of a job that needs a quorum of two; one of them (the test program
/// TrainSwarm.Validator.Liar: the real daemon, its results rewritten and signed again) posts a wrong aggregate. Whether
/// it posts first, between or after the honest two, the round is accepted from the honest result, the liar's vote is
/// recorded as a dissent, it earns nothing, and the honest two split the validator fee to the micro-token.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class QuorumTests(ITestOutputHelper output)
{
    private const int Liar = 2;

    private static readonly JobSpec TwoRounds = new()
    {
        Name = "quorum", Model = "mlp", Dataset = "fashion-mnist", Rounds = 2, MinNodes = 2, MaxNodes = 2, InnerSteps = 40,
        BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 2_000,
        OpenSeconds = 15, TrainSeconds = 300, Seed = 13, Validators = 3,
    };

    [Fact]
    public async Task A_validator_posting_a_wrong_aggregate_is_outvoted_by_a_quorum_of_three_and_paid_nothing()
    {
        var liarProgram = Path.Combine(AppContext.BaseDirectory, "TrainSwarm.Validator.Liar.dll");
        Assert.True(File.Exists(liarProgram), $"{liarProgram} is missing");
        await using var net = await DevnetScope.StartAsync(output, nodes: 2, validators: 3,
            validatorPrograms: new Dictionary<int, string> { [Liar] = liarProgram });
        var liar = net.Net.ValidatorAddresses[Liar - 1];
        var honest = net.Net.ValidatorAddresses.Where(a => a != liar).Order(StringComparer.Ordinal).ToList();

        var job = await net.Creator.SubmitJobAsync(TwoRounds);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(8));
        Assert.True(job.Status == JobStatus.Completed, $"the job ended {job.Status}: {job.StatusReason}");
        Assert.Equal(2, job.RoundsDone);

        var fees = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var index = 0; index < TwoRounds.Rounds; index++)
        {
            var roundId = $"{job.Id}-r{index}";
            // The liar's vote may come after the quorum accepted the round (even after the job ended): it is still recorded.
            var round = await Wait.ForAsync(async () => await net.Creator.RoundAsync(roundId) is { Votes.Count: 3 } r ? r : null,
                TimeSpan.FromMinutes(3), $"all three votes on {roundId}");
            foreach (var v in round.Votes!)
                output.WriteLine($"{roundId} vote {v.Validator}{(v.Validator == liar ? " (liar)" : "")}: {v.Agreement[..12]} agrees {v.Agrees} late {v.Late}");
            Assert.Equal(RoundStatus.Done, round.Status);
            Assert.Equal(1, round.Attempt);
            Assert.NotNull(round.Agreed);
            Assert.False(Assert.Single(round.Votes!, v => v.Validator == liar).Agrees);
            Assert.All(round.Votes!.Where(v => v.Validator != liar), v => Assert.True(v.Agrees, $"{v.Validator} disagreed"));
            Assert.Equal(honest, round.Votes!.Where(v => v.Validator != liar).Select(v => v.Validator).Order(StringComparer.Ordinal));
            var liarVote = round.Votes!.Single(v => v.Validator == liar);
            Assert.NotEqual(round.Agreed, liarVote.Agreement);

            // The accepted result is an honest one: it moved the model, and that model is the round's.
            var result = (await net.Creator.GetAsync<RoundResultSubmission>(Routes.RoundResult(roundId))).Result;
            Assert.Contains(result.Validator, honest);
            Assert.NotEqual(result.BaseModel, result.NewModel);
            Assert.Equal(result.NewModel, round.NewModel);
            Assert.Equal(round.Validator, result.Validator);

            var rewards = (await net.SettledInvoiceAsync(job.Id)).Rounds.Single(r => r.RoundId == roundId);
            var shares = rewards.ValidatorShares ?? throw new InvalidOperationException($"{roundId} has no validator shares");
            output.WriteLine($"{roundId}: validator fee {rewards.ValidatorFee.Amount}: "
                + string.Join(", ", shares.Select(s => $"{s.Payee} {s.Amount} (entry {s.Sequence})"))
                + $"; dissenters {string.Join(", ", rewards.Dissenters ?? [])}");
            Assert.Equal(honest, shares.Select(s => s.Payee).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(shares, s => s.Payee == liar);
            Assert.Equal(rewards.ValidatorFee.Amount, shares.Sum(s => s.Amount));
            Assert.True(rewards.ValidatorFee.Amount > 0, "the round paid no validator fee");
            // ⌊fee/2⌋ each, the odd micro-token to the earlier poster of the two.
            var earlier = round.Votes!.Where(v => v.Agrees == true).OrderBy(v => v.PostedAt).First().Validator;
            Assert.Equal(rewards.ValidatorFee.Amount / 2 + rewards.ValidatorFee.Amount % 2, shares.Single(s => s.Payee == earlier).Amount);
            Assert.Equal(rewards.ValidatorFee.Amount / 2, shares.Single(s => s.Payee != earlier).Amount);
            Assert.All(shares, s => Assert.True(s.Sequence > 0, $"{s.Payee}'s share is not committed"));
            Assert.Equal([liar], rewards.Dissenters);
            foreach (var s in shares)
                fees[s.Payee] = fees.GetValueOrDefault(s.Payee) + s.Amount;
        }

        // The ledger agrees: the liar's fees account holds nothing, each honest validator's holds exactly its shares.
        Assert.Equal(0, await FeesAsync(net, liar));
        foreach (var v in honest)
            Assert.Equal(fees[v], await FeesAsync(net, v));
        // The stream tells it too: six posted results, and the liar's two dissents.
        var (posted, dissents) = (0, 0);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            await foreach (var e in net.Creator.EventsAsync(job.Id, cancellation: timeout.Token))
            {
                posted += e.Type == EventTypes.ResultPosted ? 1 : 0;
                dissents += e.Type == EventTypes.ValidatorDissented && e.Message.Contains(liar, StringComparison.Ordinal) ? 1 : 0;
                if (posted == 6 && dissents == 2)
                    break;
            }
        }
        Assert.Equal((6, 2), (posted, dissents));
        await net.VerifyLedgerAsync();
    }

    private static async Task<long> FeesAsync(DevnetScope net, string owner)
    {
        var balances = await net.Creator.BalancesAsync(owner);
        return balances.Accounts.SingleOrDefault(a => a.Id == TransferWire.Hex(MarketIds.Fees(owner)))?.Balance ?? 0;
    }
}
