using TrainSwarm.Dashboard.Hosting;
using TrainSwarm.Dashboard.Services;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Tests;

public sealed class HostingTests
{
    [Theory]
    [InlineData("http://127.0.0.1:7070", "http://127.0.0.1:7070")]
    [InlineData("http://0.0.0.0:7070", "http://127.0.0.1:7070")]
    [InlineData("http://[::]:8080", "http://127.0.0.1:8080")]
    [InlineData("http://+:9000", "http://127.0.0.1:9000")]
    [InlineData("http://localhost:5000", "http://localhost:5000")]
    public void Wildcard_listening_addresses_are_reached_over_loopback(string listening, string expected) =>
        Assert.Equal(expected, CoordinatorLink.LoopbackFor(listening));

    [Theory]
    [InlineData("_framework/blazor.web.js", "Blazor")]
    [InlineData("lib/chart.umd.min.js", "Chart")]
    [InlineData("js/dashboard.js", "trainswarm")]
    [InlineData("css/dashboard.css", ":root")]
    public void Browser_files_are_embedded(string path, string expected)
    {
        var bytes = DashboardAssets.Find(path);
        Assert.NotNull(bytes);
        Assert.Contains(expected, System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Ledger_entries_are_described_in_words()
    {
        var time = DateTimeOffset.UnixEpoch;
        LedgerEntryView Transfer(TransferKind kind, Reason reason) =>
            new(5, time, EntryType.Transfer, "h", "p", new TransferWire("01", kind, "02", "03", 1, reason), null, null);
        Assert.Equal("pending escrow", LedgerBook.Describe(Transfer(TransferKind.Pending, Reason.Escrow)));
        Assert.Equal("refund (void escrow)", LedgerBook.Describe(Transfer(TransferKind.Void, Reason.Escrow)));
        Assert.Equal("payout", LedgerBook.Describe(Transfer(TransferKind.Single, Reason.Payout)));
        Assert.Equal("genesis", LedgerBook.Describe(new LedgerEntryView(1, time, EntryType.Genesis, "h", "", null, null, null)));
    }
}
