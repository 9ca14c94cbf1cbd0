using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using static Microsoft.Playwright.Assertions;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>
/// A dataset file goes from the browser through the chunked dataset upload, signed by the browser key, with progress shown;
/// the coordinator checks and splits it, and the new-job form offers it (and prices a job on it). A malformed file is refused
/// with the coordinator's words, and nothing is stored.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DatasetUploadTests(BrowserDevnet devnet)
{
    // n images of 28×28 as CSV (label i mod 10, pixels from a seeded stream), with a header line.
    private static byte[] Csv(int n, int seed, string? extraLine = null)
    {
        var rng = new Random(seed);
        var text = new StringBuilder("label," + string.Join(',', Enumerable.Range(0, 784).Select(p => $"p{p}")) + "\n");
        for (var i = 0; i < n; i++)
            text.Append(i % 10).Append(',').AppendJoin(',', Enumerable.Range(0, 784).Select(_ => rng.Next(256))).Append('\n');
        if (extraLine is not null)
            text.Append(extraLine).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<(IPage Page, string Address)> CreatorPageAsync(BrowserDevnet devnet)
    {
        var page = await devnet.NewPageAsync();
        await page.GotoAsync("/wallet");
        await page.GetByTestId("create-key").ClickAsync();
        await Expect(page.GetByTestId("registered")).ToHaveTextAsync("yes, as a creator");
        var address = await page.GetByTestId("address").InnerTextAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New job" }).ClickAsync();
        return (page, address);
    }

    [Fact]
    public async Task An_uploaded_file_becomes_a_dataset_the_job_form_offers_and_prices()
    {
        var bytes = Csv(150, 11);
        var (page, address) = await CreatorPageAsync(devnet);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("on my digits");
        await page.GetByLabel("Upload a dataset file")
            .SetInputFilesAsync(new FilePayload { Name = "digits.csv", MimeType = "text/csv", Buffer = bytes });

        await Expect(page.GetByTestId("upload-id")).ToHaveTextAsync(new Regex("^ds[0-9a-f]{32}$"), new() { Timeout = 60_000 });
        var id = await page.GetByTestId("upload-id").InnerTextAsync();
        await Expect(page.GetByTestId("upload-status")).ToContainTextAsync("Uploaded digits.csv: 150 samples of 1×28×28, 10 classes");
        var progress = page.Locator("#upload-progress");
        Assert.True(await progress.EvaluateAsync<int>("p => Number(p.dataset.events || 0)") >= 1);
        Assert.Equal(bytes.Length, await progress.EvaluateAsync<double>("p => p.value"));

        // The coordinator holds it as the browser key's dataset, split into shards and a holdout.
        var view = await devnet.Api.DatasetAsync(id);
        Assert.Equal(("ready", address, "csv", 150), (view.Status, view.Manifest.Owner, view.Manifest.Format, view.Manifest.Count));
        // The browser sends no split seed: the file digest's first 8 bytes (big-endian) cut it, and the page shows the manifest's.
        var digestSeed = BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(bytes));
        Assert.Equal(digestSeed, view.Manifest.SplitSeed);
        await Expect(page.GetByTestId("upload-split-seed")).ToHaveTextAsync(digestSeed.ToString(CultureInfo.InvariantCulture));

        // The form chose it, and its quote is the API's for the same spec on that dataset.
        await Expect(page.GetByLabel("Dataset", new() { Exact = true })).ToHaveValueAsync(id);
        var spec = new JobSpec
        {
            Name = "on my digits", Model = "mlp", Dataset = id, Rounds = 3, MinNodes = 1, MaxNodes = 3, InnerSteps = 50, BatchSize = 64,
            LearningRate = 0.05, Optimizer = "sgd", Strategy = "fedavg",
        };
        var apiQuote = await devnet.Api.QuoteAsync(spec);
        await Expect(page.GetByTestId("quote-total")).ToHaveTextAsync(Asset.Format(apiQuote.Total) + " tokens");
        await Screens.CaptureAsync(page, "new-job-upload");

        // After a reload the form still offers it, under the creator's own datasets.
        await page.ReloadAsync();
        var option = page.GetByTestId("my-datasets").Locator($"option[value='{id}']");
        await Expect(option).ToHaveTextAsync($"digits.csv: 150 samples of 1×28×28, 10 classes ({id})");
        await page.GetByLabel("Dataset", new() { Exact = true }).SelectOptionAsync("fashion-mnist");
        await page.GetByLabel("Dataset", new() { Exact = true }).SelectOptionAsync(id);
        await Expect(page.GetByLabel("Dataset", new() { Exact = true })).ToHaveValueAsync(id);
    }

    [Fact]
    public async Task A_malformed_file_is_refused_with_its_line_and_stores_nothing()
    {
        var (page, address) = await CreatorPageAsync(devnet);
        await page.GetByLabel("Upload a dataset file").SetInputFilesAsync(new FilePayload
        {
            Name = "broken.csv", MimeType = "text/csv", Buffer = Csv(20, 12, "3," + string.Join(',', Enumerable.Repeat("1", 783)) + ",NaN"),
        });

        await Expect(page.Locator("#dataset-file-error"))
            .ToContainTextAsync("Invalid dataset: broken.csv line 22: pixel 783 is NaN", new() { Timeout = 60_000 });
        Assert.Empty(await devnet.Api.DatasetsAsync(address));
        Assert.Equal(0, await page.GetByTestId("my-datasets").CountAsync());
        Assert.Equal(string.Empty, await page.GetByLabel("Dataset", new() { Exact = true }).InputValueAsync());
    }
}
