using Microsoft.Playwright;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>
/// One devnet of real processes (`swarm` coordinator, validator, two nodes) and one headless Chromium (Debian's, never a
/// downloaded one) shared by the browser tests: starting them is the slow part.
/// </summary>
public sealed class BrowserDevnet : IAsyncLifetime
{
    /// <summary>Debian's Chromium (test.sh installs the package).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public Devnet Net { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "trainswarm-dashboard-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The dashboard's root URL (the coordinator's address).</summary>
    public string Url => Net.Url.ToString().TrimEnd('/');

    /// <summary>An unsigned API client: what the tests compare the pages with.</summary>
    public SwarmClient Api { get; private set; } = default!;

    /// <summary>artifacts/screenshots/ at the repository root.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TrainSwarm.slnx")))
                dir = dir.Parent;
            var root = dir?.FullName ?? Path.GetTempPath();
            var path = Path.Combine(root, "artifacts", "screenshots");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    public async Task InitializeAsync()
    {
        Net = await Devnet.StartAsync(
            new DevnetOptions { DataDirectory = Folder, Nodes = 2, DatasetDirectory = "/usr/share/datasets/fashion-mnist" }, CancellationToken.None);
        Api = new SwarmClient(Net.Url);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A fresh browser context (its own storage, so its own key) at the given viewport, with downloads allowed.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true, BaseURL = Url });
        context.SetDefaultTimeout(30_000);
        // Expect(...) has its own timeout, 5 s by default: on a loaded 2-core machine a Blazor re-render after a quote
        // re-price can take longer (a fresh-clone run once failed waiting 5 s for error-budget). A passing check still
        // returns as soon as the state is there; only a failing one waits the whole 30 s.
        Assertions.SetDefaultExpectTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Copies every process log to artifacts/dashboard-logs/ (the devnet folder is deleted afterwards).</summary>
    public void KeepLogs()
    {
        var logs = Path.Combine(Folder, "logs");
        var target = Path.Combine(Path.GetDirectoryName(ScreenshotDirectory)!, "dashboard-logs");
        Directory.CreateDirectory(target);
        foreach (var log in Directory.Exists(logs) ? Directory.EnumerateFiles(logs) : [])
            File.Copy(log, Path.Combine(target, Path.GetFileName(log)), overwrite: true);
    }

    /// <summary>The last lines of every process log, for a failing test's output.</summary>
    public string Logs()
    {
        var text = new System.Text.StringBuilder();
        var logs = Path.Combine(Folder, "logs");
        if (!Directory.Exists(logs))
            return "";
        foreach (var log in Directory.EnumerateFiles(logs))
        {
            text.AppendLine($"--- {Path.GetFileName(log)}");
            foreach (var line in File.ReadLines(log).TakeLast(30))
                text.AppendLine(line);
        }
        return text.ToString();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        Api?.Dispose();
        if (Net is not null)
            await Net.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserDevnet>
{
    public const string Name = "browser devnet";
}
