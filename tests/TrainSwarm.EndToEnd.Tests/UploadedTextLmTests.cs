using System.Net;
using System.Text;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Daemons;
using TrainSwarm.Learning.Data.Uploads;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// An lm job on a creator's own text, real processes: the test writes every fourth fortune (Debian's package) as one UTF-8 file,
/// uploads it as a text dataset of 3 shards; three nodes serving "uploaded" each download their slot's token shard, pre-train
/// gpt-tiny (2 rounds of H = 50 steps of 8 × 64 tokens, DiLoCo) and name the shard in their receipts; the validator scores on
/// the holdout it alone receives. The held-out loss must fall from ~5.56 nats (uniform over 257 symbols is 5.55) below 3.5, the
/// validator's figure must be the one evaluated here on the test's own cut of the file, and the money must settle exactly.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class UploadedTextLmTests(ITestOutputHelper output)
{
    private const double LossBound = 3.5;

    [Fact]
    public async Task Three_nodes_pretrain_gpt_tiny_on_an_uploaded_text_file_below_the_loss_bound_and_settle_exactly()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 0);
        var file = Path.Combine(net.Folder, "fortunes.txt");
        var text = string.Join("\n" + ByteTokenizer.EndOfTextText + "\n", FortunesCorpus.Documents().Where((_, i) => i % 4 == 0));
        await File.WriteAllTextAsync(file, text, new UTF8Encoding(false));
        var view = await net.Creator.UploadDatasetAsync(file, new DatasetUploadStart("fortunes-quarter", "text", 0, "", Shards: 3));
        var m = view.Manifest;
        // The test's own cut of the file: the same tokens, holdout and shards, so the same blob ids.
        var tokens = TextUpload.Parse(File.ReadAllBytes(file), "fortunes.txt");
        var (holdout, shards) = TokenSharding.Split(tokens, 3, ByteTokenizer.VocabSize);
        Assert.Equal(("text", "byte", tokens.Length, tokens.Length), (m.Format, m.Tokenizer, m.Count, m.Holdout.Count + m.Shards.Sum(s => s.Count)));
        Assert.Equal(BlobId.Of(holdout), m.Holdout.Blob);
        Assert.Equal(shards.Select(s => BlobId.Of(s)), m.Shards.Select(s => s.Blob));
        Assert.Equal([0L, m.Shards[0].Count, m.Shards[0].Count + m.Shards[1].Count], m.Shards.Select(s => s.Start!.Value));
        output.WriteLine($"{tokens.Length} tokens: holdout {m.Holdout.Count}, shards {string.Join(", ", m.Shards.Select(s => s.Count))}");

        for (var i = 1; i <= 3; i++)
            await StartNodeAsync(net, i, "--dataset", DatasetIds.UploadedName);
        await Wait.ForAsync(async () => await net.Creator.NodesAsync() is { Count: 3 } all ? all : null, TimeSpan.FromSeconds(60), "three nodes");

        var spec = LmDemoJob.Spec(rounds: 2, nodes: 3, innerSteps: 50) with { Lm = new LmJobSpec { InnerSteps = 50, Corpus = m.Id } };
        var quote = await net.Creator.QuoteAsync(spec);
        Assert.Equal((2L * 3 * 50 * 8 * 64, 6_418_656L, m.Id), (quote.TrainingSamples, quote.TrainingFlopsPerSample, quote.Dataset));
        var job = await net.Creator.SubmitJobAsync(spec, quote, quote.Total, 3600);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(9));
        output.WriteLine($"{job.Status}: {job.StatusReason}");
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2, job.RoundsDone);

        var rounds = (await net.Creator.JobRoundsAsync(job.Id)).Where(r => r.Status == RoundStatus.Done && r.Metrics is not null).ToList();
        foreach (var r in rounds)
            output.WriteLine($"round {r.Index}: held-out loss {r.Metrics!.BaseHoldoutLoss:F4} -> {r.Metrics.HoldoutLoss:F4} "
                + $"on {r.Metrics.HoldoutSamples} tokens");
        Assert.True(rounds[0].Metrics!.BaseHoldoutLoss > 5.4, $"initial loss {rounds[0].Metrics!.BaseHoldoutLoss}");
        var last = job.LastMetrics!.HoldoutLoss;
        Assert.True(last < LossBound, $"final held-out loss {last} is not below {LossBound}");
        // The validator scored on the upload's holdout: evaluated here on the test's own holdout, the final model gives the same number.
        var gpt = new Learning.Models.GptModel(LmRoundSpecs.Config(spec), 0);
        ModuleWeights.Import(gpt, SafeTensorsReader.Read(await net.Creator.DownloadModelAsync(job.Id)));
        Assert.Equal(last, LmEvaluator.Evaluate(gpt, TokenShardCodec.Decode(holdout, "holdout"), 64, maxWindows: spec.LmSettings.EvalWindows).Loss);

        // Each node fetched and named exactly its slot's shard.
        foreach (var round in rounds)
        {
            foreach (var update in await net.Creator.RoundUpdatesAsync(round.Id))
            {
                var slot = round.Participants.Single(p => p.Node == update.Receipt.Node).Shard;
                Assert.Equal([m.Shards[slot].Blob], update.Receipt.ShardBlobs!);
                Assert.Equal(m.Id, update.Receipt.DatasetUsed);
            }
        }
        using (var http = new HttpClient())
            Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri(net.Net.Url, Routes.Blob(m.Holdout.Blob)))).StatusCode);

        var invoice = await net.SettledInvoiceAsync(job.Id);
        Assert.Equal(("tokens", m.Id), (invoice.SampleUnit, invoice.Quote.Dataset));
        foreach (var line in invoice.Rounds.SelectMany(r => r.Lines))
        {
            output.WriteLine($"{line.Node}: {line.BaseLoss:F4} -> {line.UpdatedLoss:F4}, quality {line.QualityBps}, {line.Samples} tokens, paid {line.Payout}");
            Assert.True(line.Accepted, line.Reason);
            Assert.Equal(50L * 8 * 64, line.Samples);
            Assert.Equal(line.Samples * quote.TrainingFlopsPerSample, line.Flops);
        }
        output.WriteLine($"billed {invoice.TotalBilled}, refund {invoice.Refund}, reserved {invoice.Reserved}");
        Assert.Equal(6, invoice.Rounds.Sum(r => r.Lines.Count));
        Assert.Equal(invoice.Rounds.SelectMany(r => r.Lines).Sum(l => l.Payout), invoice.ComputePaid);
        Assert.Equal(invoice.ComputePaid + invoice.ValidatorFees + invoice.ProtocolFees, invoice.TotalBilled);
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        Assert.Equal(quote.Total, invoice.Reserved);
        var creator = await net.Creator.BalancesAsync(net.Creator.Address);
        Assert.Equal((Devnet.CreatorFunds - invoice.TotalBilled, 0L), (creator.Wallet, creator.Reserved));
        await net.VerifyLedgerAsync();
    }

    private static async Task StartNodeAsync(DevnetScope net, int number, params string[] args)
    {
        var keyPath = Path.Combine(net.Folder, "keys", $"node-{number}.pem");
        using (var key = ActorKey.Generate())
        {
            key.Save(keyPath);
            await net.Net.FundAsync(key, "node", Devnet.NodeFunds, CancellationToken.None);
        }
        net.Net.StartNode(number, args);
    }
}
