using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>Every control on every page has an accessible name and is reachable with the keyboard.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserDevnet devnet)
{
    // Controls without a name (no label, aria-label, aria-labelledby or text) or taken out of the tab order.
    private const string Unlabelled = @"() => [...document.querySelectorAll(
        'main a[href], main button, main input, main select, main textarea, header a[href]')]
        .filter(el => el.tabIndex < 0 || !((el.labels && el.labels.length) || el.getAttribute('aria-label')
            || el.getAttribute('aria-labelledby') || el.textContent.trim()))
        .map(el => el.outerHTML.slice(0, 120))";

    [Theory]
    [InlineData("/", "Overview")]
    [InlineData("/jobs/new", "New training job")]
    [InlineData("/nodes", "Nodes")]
    [InlineData("/leaderboard", "Leaderboard")]
    [InlineData("/ledger", "Ledger")]
    [InlineData("/wallet", "Wallet")]
    [InlineData("/telemetry", "Metrics")]
    public async Task Every_control_has_a_label_and_a_place_in_the_tab_order(string path, string heading)
    {
        var page = await devnet.NewPageAsync(390, 844);
        await page.GotoAsync(path);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        await page.WaitForTimeoutAsync(500); // the first data load
        var bad = await page.EvaluateAsync<string[]>(Unlabelled);
        Assert.True(bad.Length == 0, "controls without a label or keyboard access:\n" + string.Join("\n", bad));
    }

    [Fact]
    public async Task The_wallet_works_from_the_keyboard_alone()
    {
        var page = await devnet.NewPageAsync();
        await page.GotoAsync("/wallet");
        await Expect(page.GetByTestId("create-key")).ToBeVisibleAsync();
        // Tab from the top of the page until the button has focus, then press Enter: no mouse involved.
        for (var i = 0; i < 20 && !await page.GetByTestId("create-key").EvaluateAsync<bool>("b => b === document.activeElement"); i++)
            await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("address")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^ts1[0-9a-f]{40}$"));
    }
}
