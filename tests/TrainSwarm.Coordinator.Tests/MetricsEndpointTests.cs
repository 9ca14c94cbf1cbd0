using System.Text;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// <c>/metrics</c> after one round driven by hand (three nodes deliver, two accepted, one rejected, then settled): every
/// coordinator series counts exactly what happened, on a coordinator of its own (each host's meter is its own, so the
/// other tests' coordinators in this process do not add to these counts).
/// </summary>
public sealed class MetricsEndpointTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    [Fact]
    public async Task One_round_is_counted_exactly_in_the_prometheus_scrape()
    {
        var ledgerBefore = await LedgerTransfersAfterAsync(0);
        var startSequence = ledgerBefore.Count == 0 ? 0 : ledgerBefore.Max(e => e.Sequence);
        using var paid = await swarm.PayOneRoundAsync();
        var rewards = await swarm.SettledRewardsAsync(paid.Round.Id);
        using var reader = swarm.Client();
        var model = await reader.GetBlobAsync(paid.Round.NewModel!);

        // What the driver uploaded: each node's delta, then the validator's new model (the initial model is stored by the
        // coordinator itself, not uploaded).
        long uploaded = paid.Nodes.Sum(n => Encoding.UTF8.GetByteCount($"delta of {n.Address} in {paid.Round.Id} attempt {paid.Round.Attempt}"))
            + Encoding.UTF8.GetByteCount($"new model of {paid.Round.Id} attempt {paid.Round.Attempt}");
        var payouts = rewards.Lines.Where(l => l.Payout > 0).ToList();
        Assert.Equal(2, payouts.Count);

        // The outbox commits payouts right after the result; the scrape is polled until the last of them shows.
        var text = "";
        await CoordinatorFixture.EventuallyAsync(async () =>
        {
            text = await swarm.Http.GetStringAsync(new Uri(swarm.BaseAddress, "/metrics"));
            return PrometheusText.Sum(text, "trainswarm_payouts_total") == 2;
        }, "two payouts in /metrics");

        void Expect(double expected, string name, params (string, string)[] labels) =>
            Assert.True(PrometheusText.Sum(text, name, labels) == expected,
                $"{name}{{{string.Join(",", labels)}}}: expected {expected}, got {PrometheusText.Sum(text, name, labels)?.ToString() ?? "none"}\n{text}");

        Expect(3, "trainswarm_updates_received_total");
        Expect(2, "trainswarm_updates_accepted_total");
        Expect(1, "trainswarm_updates_rejected_total");
        Expect(1, "trainswarm_rounds_opened_total");
        Expect(1, "trainswarm_rounds_closed_total", ("outcome", "done"));
        Expect(uploaded, "trainswarm_blob_transferred_bytes_total", ("direction", "in"));
        Expect(model.Length, "trainswarm_blob_transferred_bytes_total", ("direction", "out"));
        Expect(payouts.Sum(l => l.Payout), "trainswarm_payouts_amount_total");
        // Ledger commits by reason equal the ledger's own log of what it committed since the round began: a faucet mint
        // per actor (creator, three nodes, validator), two payouts, and whatever escrow, stake and fee transfers settling took.
        var committed = (await LedgerTransfersAfterAsync(startSequence)).GroupBy(e => e.Transfer!.Reason).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, committed[Ledger.Reason.Mint]);
        Assert.Equal(2, committed[Ledger.Reason.Payout]);
        foreach (var (reason, count) in committed)
            Expect(count, "trainswarm_ledger_commits_total", ("reason", reason.ToString().ToLowerInvariant()));
        Expect(committed.Values.Sum(), "trainswarm_ledger_commits_total");
        foreach (var phase in new[] { "open", "training", "validating" })
            Expect(1, "trainswarm_round_phase_duration_seconds_count", ("phase", phase));
        // HTTP latency comes from ASP.NET Core's own instrumentation: three joins were served.
        Expect(3, "http_server_request_duration_seconds_count", ("http_route", Routes.Rounds + "/{id}/join"));
    }

    // Every ledger entry after a sequence that records a transfer (pages of 100).
    private async Task<List<LedgerEntryView>> LedgerTransfersAfterAsync(long after)
    {
        using var client = swarm.Client();
        var all = new List<LedgerEntryView>();
        while (true)
        {
            var page = await client.LedgerEntriesAsync(after, 100);
            if (page.Count == 0)
                return all.Where(e => e.Transfer is not null).ToList();
            all.AddRange(page);
            after = page[^1].Sequence;
        }
    }
}
