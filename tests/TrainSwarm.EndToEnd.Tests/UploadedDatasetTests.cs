using System.Net;
using System.Text;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Learning.Data;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// A creator's own data end to end, real processes: 3,000 Fashion-MNIST training images written by the test as an image CSV,
/// uploaded, split by the coordinator into a holdout and 3 shards; three nodes serving "uploaded" each download their slot's
/// shard, train, and name it in their receipts; the validator scores on the holdout it alone receives; the job settles exactly.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class UploadedDatasetTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_nodes_train_on_an_uploaded_csv_and_the_job_settles_exactly()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 0);
        var csv = Path.Combine(net.Folder, "fmnist-3000.csv");
        WriteCsv(FashionMnist.LoadTrain(DevnetScope.DatasetDirectory), 3000, csv);
        var view = await net.Creator.UploadDatasetAsync(csv, new DatasetUploadStart("fmnist-3000", "csv", 0, "", Shards: 3));
        var m = view.Manifest;
        Assert.Equal((3000, 10, 300), (m.Count, m.Classes, m.Holdout.Count));
        // The 2,700 left after the holdout, cut in three equal shards.
        Assert.Equal([900, 900, 900], m.Shards.Select(s => s.Count));

        var nodes = new List<string>();
        for (var i = 1; i <= 3; i++)
            nodes.Add(await StartNodeAsync(net, i, "--dataset", DatasetIds.UploadedName));
        await Wait.ForAsync(async () => await net.Creator.NodesAsync() is { Count: 3 } all ? all : null, TimeSpan.FromSeconds(60), "three nodes");

        var spec = new JobSpec
        {
            Name = "uploaded", Model = "mlp", Dataset = m.Id, Rounds = 2, MinNodes = 3, MaxNodes = 3, InnerSteps = 60, BatchSize = 32,
            LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", OpenSeconds = 20, TrainSeconds = 300, Seed = 11,
        };
        var job = await net.Creator.SubmitJobAsync(spec);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(6));
        Assert.Equal(JobStatus.Completed, job.Status);

        var rounds = (await net.Creator.JobRoundsAsync(job.Id)).Where(r => r.Metrics is not null).OrderBy(r => r.Index).ToList();
        Assert.Equal(2, rounds.Count);
        output.WriteLine("holdout accuracy per round: " + string.Join(", ", rounds.Select(r => r.Metrics!.HoldoutAccuracy.ToString("F4"))));
        Assert.All(rounds, r => Assert.Equal(m.Holdout.Count, r.Metrics!.HoldoutSamples));
        // Fashion-MNIST's mlp passes 60% holdout accuracy within its first hundred SGD steps; two rounds of 60 on 3 nodes do too.
        Assert.True(rounds[^1].Metrics!.HoldoutAccuracy >= 0.60, $"holdout accuracy {rounds[^1].Metrics!.HoldoutAccuracy:F4} < 0.60");
        foreach (var round in rounds)
        {
            foreach (var update in await net.Creator.RoundUpdatesAsync(round.Id))
            {
                var shard = round.Participants.Single(p => p.Node == update.Receipt.Node).Shard;
                Assert.Equal([m.Shards[shard].Blob], update.Receipt.ShardBlobs!);
                Assert.Equal(m.Id, update.Receipt.DatasetUsed);
            }
        }
        // The holdout never reached a node: the blob endpoint refuses it to anyone.
        using (var http = new HttpClient())
            Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri(net.Net.Url, Routes.Blob(m.Holdout.Blob)))).StatusCode);

        // Settled exactly: the invoice's lines add up to what left the escrow, the rest came back, and the ledger verifies.
        var invoice = await net.SettledInvoiceAsync(job.Id);
        Assert.Equal(invoice.Rounds.Sum(r => r.Total), invoice.TotalBilled);
        Assert.Equal(invoice.ComputePaid + invoice.ValidatorFees + invoice.ProtocolFees, invoice.TotalBilled);
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        Assert.Equal(m.Id, invoice.Quote.Dataset);
        Assert.All(invoice.Rounds, r => Assert.Equal(3, r.Lines.Count(l => l.Accepted && l.Payout > 0 && l.Samples == 60 * 32)));
        Assert.Equal(invoice.Rounds.Sum(r => r.Lines.Sum(l => l.Payout)), invoice.ComputePaid);
        await net.VerifyLedgerAsync();
    }

    [Fact]
    public async Task The_mlp_preset_trains_an_upload_of_47_classes_end_to_end()
    {
        // EMNIST balanced's class count on 28×28 images (its real files are not here): the node, the validator and the
        // coordinator each build the preset ending in 47 outputs, from the manifest, the shard and the holdout.
        await using var net = await DevnetScope.StartAsync(output, nodes: 0);
        var csv = Path.Combine(net.Folder, "forty-seven.csv");
        WriteCsv(FashionMnist.LoadTrain(DevnetScope.DatasetDirectory), 470, csv, label: i => i % 47);
        var m = (await net.Creator.UploadDatasetAsync(csv, new DatasetUploadStart("forty-seven", "csv", 0, "", Shards: 1))).Manifest;
        Assert.Equal((470, 47, 47), (m.Count, m.Classes, m.Holdout.Count));
        await StartNodeAsync(net, 1, "--dataset", DatasetIds.UploadedName);
        await Wait.ForAsync(async () => await net.Creator.NodesAsync() is { Count: 1 } all ? all : null, TimeSpan.FromSeconds(60), "one node");

        var spec = new JobSpec
        {
            Name = "forty-seven", Model = "mlp", Dataset = m.Id, Rounds = 1, MinNodes = 1, MaxNodes = 1, InnerSteps = 10, BatchSize = 16,
            LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", OpenSeconds = 20, TrainSeconds = 300, Seed = 3,
        };
        var job = await net.WaitForEndAsync((await net.Creator.SubmitJobAsync(spec)).Id, TimeSpan.FromMinutes(6));
        Assert.Equal(JobStatus.Completed, job.Status);
        var round = Assert.Single(await net.Creator.JobRoundsAsync(job.Id), r => r.Metrics is not null);
        Assert.Equal(47, round.Metrics!.HoldoutSamples);
        var update = Assert.Single(await net.Creator.RoundUpdatesAsync(round.Id));
        Assert.Equal([m.Shards[0].Blob], update.Receipt.ShardBlobs!);
        var model = TrainSwarm.Nn.Serialization.SafeTensorsReader.Read(await net.Creator.DownloadModelAsync(job.Id));
        Assert.Equal([47, 128], model.Tensors.Single(t => t.Name == "3.weight").Shape);
        var invoice = await net.SettledInvoiceAsync(job.Id);
        Assert.Equal(1, invoice.Rounds.Single().Lines.Count(l => l.Accepted && l.Payout > 0 && l.Samples == 10 * 16));
    }

    private static void WriteCsv(LabeledImages data, int count, string path, Func<int, int>? label = null)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        for (var i = 0; i < count; i++)
        {
            var line = new StringBuilder().Append(label?.Invoke(i) ?? data.Labels[i]);
            foreach (var p in data.Image(i))
                line.Append(',').Append((int)MathF.Round(p * 255f));
            writer.Write(line.Append('\n'));
        }
    }

    private static async Task<string> StartNodeAsync(DevnetScope net, int number, params string[] args)
    {
        var keyPath = Path.Combine(net.Folder, "keys", $"node-{number}.pem");
        string address;
        using (var key = ActorKey.Generate())
        {
            key.Save(keyPath);
            await net.Net.FundAsync(key, "node", Devnet.NodeFunds, CancellationToken.None);
            address = key.Address;
        }
        net.Net.StartNode(number, args);
        return address;
    }
}
