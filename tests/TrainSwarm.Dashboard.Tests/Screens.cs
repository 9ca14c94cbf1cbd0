using Microsoft.Playwright;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>Screenshots of a page at desktop and phone widths, saved under artifacts/screenshots/ for people to look at.</summary>
internal static class Screens
{
    public static readonly (string Name, int Width, int Height)[] Sizes = [("desktop", 1280, 800), ("phone", 390, 844)];

    /// <summary>Shoots the current page (full length) at both widths and returns to the desktop width.</summary>
    public static async Task CaptureAsync(IPage page, string name)
    {
        foreach (var (size, width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.WaitForTimeoutAsync(300); // let the layout (and the chart) settle at the new width
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserDevnet.ScreenshotDirectory, $"{name}-{size}.png"), FullPage = true });
            // The first screen as a person sees it on arrival (a long page's full shot is hard to read).
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserDevnet.ScreenshotDirectory, $"{name}-{size}-first-screen.png") });
        }
        await page.SetViewportSizeAsync(1280, 800);
    }
}
