using System.Security.Cryptography;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>A dataset file goes from the browser to the coordinator's blob store, signed by the browser key, with progress shown.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DatasetUploadTests(BrowserDevnet devnet)
{
    [Fact]
    public async Task A_dataset_file_uploads_to_the_blob_store_under_its_sha256()
    {
        var bytes = new byte[3 << 20];
        new Random(7).NextBytes(bytes);
        var id = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var page = await devnet.NewPageAsync();
        await page.GotoAsync("/wallet");
        await page.GetByTestId("create-key").ClickAsync();
        await Expect(page.GetByTestId("registered")).ToHaveTextAsync("yes, as a creator");
        await page.GetByRole(AriaRole.Link, new() { Name = "New job" }).ClickAsync();
        await page.GetByLabel("Upload a dataset file")
            .SetInputFilesAsync(new FilePayload { Name = "pixels.npy", MimeType = "application/octet-stream", Buffer = bytes });

        await Expect(page.GetByTestId("upload-id")).ToHaveTextAsync(id, new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("upload-status")).ToContainTextAsync("Uploaded pixels.npy: 3.0 MiB");
        var progress = page.Locator("#upload-progress");
        // The bar followed the upload's progress events and ended full, measured in the file's bytes.
        Assert.True(await progress.EvaluateAsync<int>("p => Number(p.dataset.events || 0)") >= 1);
        Assert.Equal(bytes.Length, await progress.EvaluateAsync<double>("p => p.max"));
        Assert.Equal(bytes.Length, await progress.EvaluateAsync<double>("p => p.value"));
        Assert.Equal(bytes, await devnet.Api.GetBlobAsync(id));
        await Screens.CaptureAsync(page, "new-job-upload");
    }
}
