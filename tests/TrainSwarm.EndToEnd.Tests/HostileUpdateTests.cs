using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// A rogue node, driven from the test process, joins a round beside two honest node processes and delivers a
/// malformed update with a correct, signed receipt. The validator must reject it with the reason, give it no weight,
/// and aggregate the honest updates alone.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HostileUpdateTests(ITestOutputHelper output)
{
    private static readonly JobSpec OneRound = new()
    {
        Name = "hostile", Model = "mlp", Dataset = "fashion-mnist", Rounds = 1, MinNodes = 2, MaxNodes = 3, InnerSteps = 60,
        BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 3_000,
        OpenSeconds = 15, TrainSeconds = 300, Seed = 11,
    };

    /// <param name="kind"><c>nan</c>: one element of one tensor is NaN; <c>shape</c>: one tensor has a wrong shape.</param>
    /// <param name="reasonMentions">What the rejection reason must mention.</param>
    [Theory]
    [InlineData("nan", "NaN")]
    [InlineData("shape", "shape")]
    public async Task A_malformed_update_with_a_valid_receipt_is_rejected_with_no_weight_and_the_honest_updates_still_make_the_round(
        string kind, string reasonMentions)
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 2);
        using var rogueKey = ActorKey.Generate();
        using var rogue = new SwarmClient(net.Net.Url, rogueKey);
        await rogue.RegisterNodeAsync("rogue", new Hardware(2, 4L << 30, "linux", "x64"), new Benchmark("mlp", 1000), ["fashion-mnist"]);
        await rogue.FaucetAsync(Devnet.NodeFunds);

        var job = await net.Creator.SubmitJobAsync(OneRound);
        var roundId = $"{job.Id}-r0";
        var assignment = await rogue.JoinAsync(roundId);
        Assert.Equal((job.Id, 0, 1), (assignment.JobId, assignment.Index, assignment.Attempt));

        // A delta with the base model's own names and shapes, all zeros, then spoiled.
        var baseBytes = await rogue.GetBlobAsync(assignment.BaseModel);
        var baseTensors = SafeTensorsReader.Read(baseBytes).Tensors;
        var delta = baseTensors.Select(t => NamedArray.F32(t.Name, new float[t.ElementCount], [.. t.Shape])).ToList();
        var spoiled = baseTensors.First(t => t.Shape.Count == 2);
        var index = delta.FindIndex(t => t.Name == spoiled.Name);
        if (kind == "nan")
        {
            var values = delta[index].AsF32();
            values[values.Length / 2] = float.NaN;
        }
        else
        {
            int[] wrong = [spoiled.Shape[0], spoiled.Shape[1] + 1];
            delta[index] = NamedArray.F32(spoiled.Name, new float[wrong[0] * wrong[1]], wrong);
        }
        var updateBytes = DeltaCodec.Encode(delta, "f32");
        var blob = await rogue.PutBlobAsync(updateBytes);

        // The receipt itself is in order (a receipt cannot carry NaN in JSON; only the blob is bad).
        var receipt = new TrainingReceipt(
            assignment.JobId, assignment.RoundId, assignment.Attempt, rogue.Address, assignment.BaseModel, assignment.ShardIndex,
            assignment.ShardCount, assignment.Seed, OneRound.InnerSteps, (long)OneRound.InnerSteps * OneRound.BatchSize, [2.3f, 1.1f], 1.5,
            [], blob, "f32", "fashion-mnist");
        var ack = await rogue.SubmitUpdateAsync(roundId, new UpdateSubmission(receipt, DocumentSignature.Sign(rogueKey, receipt)));
        Assert.Equal((roundId, rogue.Address, blob), (ack.RoundId, ack.Node, ack.UpdateBlob));

        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(6));
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(1, job.RoundsDone);

        var submission = await net.Creator.GetAsync<RoundResultSubmission>(Routes.RoundResult(roundId));
        var result = submission.Result;
        foreach (var v in result.Verdicts)
            output.WriteLine($"verdict {v.Node}: accepted {v.Accepted}, weight {v.Weight}, reason {v.Reason ?? "-"}");
        Assert.Equal(1, result.Attempt);
        Assert.Equal(3, result.Verdicts.Count);

        var rogueVerdict = Assert.Single(result.Verdicts, v => v.Node == rogue.Address);
        Assert.False(rogueVerdict.Accepted);
        Assert.NotNull(rogueVerdict.Reason);
        Assert.Contains(reasonMentions, rogueVerdict.Reason, StringComparison.Ordinal);
        Assert.Contains(spoiled.Name, rogueVerdict.Reason, StringComparison.Ordinal);
        Assert.Equal(0, rogueVerdict.Weight);
        Assert.Equal(blob, rogueVerdict.UpdateBlob);

        var honestAddresses = (await net.Creator.NodesAsync())
            .Where(n => n.Name.StartsWith("node-", StringComparison.Ordinal)).Select(n => n.Address).Order().ToList();
        Assert.Equal(2, honestAddresses.Count);
        var honest = result.Verdicts.Where(v => v.Node != rogue.Address).ToList();
        Assert.Equal(honestAddresses, honest.Select(v => v.Node).Order());
        Assert.All(honest, v => Assert.True(v.Accepted, $"{v.Node} was rejected: {v.Reason}"));
        Assert.All(honest, v => Assert.True(v.Weight > 0, $"{v.Node} has weight {v.Weight}"));
        Assert.Equal(1.0, honest.Sum(v => v.Weight), 9);

        // The honest updates moved the model, and that model is the round's and the job's.
        Assert.Equal(job.InitialModelBlob, result.BaseModel);
        Assert.NotEqual(result.BaseModel, result.NewModel);
        var round = await net.Creator.RoundAsync(roundId);
        Assert.Equal(result.NewModel, round.NewModel);
        Assert.Equal(result.NewModel, job.ModelBlob);
        Assert.NotEqual(baseBytes, await net.Creator.GetBlobAsync(result.NewModel));

        // The rogue's track record shows the rejection.
        var rogueView = await net.Creator.NodeAsync(rogue.Address);
        Assert.Equal(1, rogueView.UpdatesRejected);
        Assert.Equal(0, rogueView.UpdatesAccepted);

        // It earns nothing for the update, the creator pays nothing for it, and its stake comes back whole.
        var invoice = await net.SettledInvoiceAsync(job.Id);
        var rewards = Assert.Single(invoice.Rounds);
        var rogueLine = Assert.Single(rewards.Lines, l => l.Node == rogue.Address);
        Assert.Equal((false, 0, 0L, (string?)null), (rogueLine.Accepted, rogueLine.QualityBps, rogueLine.Payout, rogueLine.TransferId));
        Assert.Equal(rewards.Lines.Where(l => l.Node != rogue.Address).Sum(l => l.Payout), invoice.ComputePaid);
        Assert.Equal(0, rogueView.Earned);
        var rogueMoney = await rogue.BalancesAsync(rogue.Address);
        Assert.Equal((Devnet.NodeFunds, 0L, 0L), (rogueMoney.Wallet, rogueMoney.Reserved, rogueMoney.Claimable));
        await net.VerifyLedgerAsync();
    }
}
