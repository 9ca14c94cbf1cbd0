using System.Globalization;
using System.Text.Json;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Ledger;

/// <summary>
/// `swarm ledger verify|log`, both through a running coordinator's API (--coordinator) and from its database (--db): the
/// two sources must tell the same story, in text and in --json.
/// </summary>
[Collection(SwarmCollection.Name)]
public sealed class LedgerCommandTests(SwarmFixture swarm)
{
    private string Database => Path.Combine(swarm.Folder, "coordinator", "swarm.db");

    /// <summary>A CLI transfer, so the newest entry is one this test knows.</summary>
    private async Task<(string From, string To)> TransferAsync(string amount)
    {
        var (payer, from) = await swarm.FundedKeyFileAsync(5 * Asset.UnitsPerToken);
        var (_, to) = await swarm.FundedKeyFileAsync(0);
        var (code, output) = await CliRunner.Run("wallet", "transfer", "--to", to, "--amount", amount, "--key", payer, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        return (from, to);
    }

    [Fact]
    public async Task Verify_through_the_api_and_from_the_database_agree_in_json()
    {
        await TransferAsync("1");
        using var client = swarm.Client();
        var info = await client.InfoAsync();
        var expected = await client.VerifyLedgerAsync();

        var (remoteCode, remote) = await CliRunner.Run("ledger", "verify", "--coordinator", swarm.Url, "--json");
        Assert.True(remoteCode == 0, remote);
        var (localCode, local) = await CliRunner.Run("ledger", "verify", "--db", Database, "--signer", info.Address, "--json");
        Assert.True(localCode == 0, local);

        var fromApi = SwarmJson.Deserialize<LedgerVerification>(remote);
        var fromDb = SwarmJson.Deserialize<LedgerVerification>(local);
        Assert.True(fromApi.Ok);
        Assert.Equal(expected, fromApi);
        Assert.Equal(expected, fromDb);
    }

    [Fact]
    public async Task Verify_text_is_the_one_line_summary()
    {
        using var client = swarm.Client();
        var (code, output) = await CliRunner.Run("ledger", "verify", "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        var expected = await client.VerifyLedgerAsync();
        Assert.Equal(expected.Summary, Lines.Single(output));
        Assert.StartsWith($"ledger valid: {expected.Entries} entries, ", expected.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_with_another_signer_fails_in_one_line()
    {
        using var client = swarm.Client();
        var info = await client.InfoAsync();
        var other = "ts1" + new string('0', 40);
        var (code, output) = await CliRunner.Run("ledger", "verify", "--coordinator", swarm.Url, "--signer", other);
        Assert.Equal(1, code);
        Assert.Equal($"error: the coordinator at {swarm.Url}/ signs as {info.Address}, not {other}", Lines.Single(output));
    }

    [Fact]
    public async Task Log_through_the_api_prints_exactly_what_the_database_holds()
    {
        var (from, to) = await TransferAsync("1.25");
        var (remoteCode, remote) = await CliRunner.Run("ledger", "log", "--coordinator", swarm.Url, "--limit", "5", "--json");
        Assert.True(remoteCode == 0, remote);
        var (localCode, local) = await CliRunner.Run("ledger", "log", "--db", Database, "--limit", "5", "--json");
        Assert.True(localCode == 0, local);
        Assert.Equal(Lines.Of(local), Lines.Of(remote));

        var entries = Lines.Of(remote).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, entries.Count);
        var sequences = entries.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => sequences[0] - i), sequences); // newest first, contiguous
        var newest = entries[0];
        Assert.Equal(from, newest.GetProperty("actor").GetString());
        var transfer = newest.GetProperty("transfer");
        Assert.Equal((1_250_000L, "transfer"), (transfer.GetProperty("amount").GetInt64(), transfer.GetProperty("reason").GetString()));
        Assert.Equal(TransferWire.Hex(MarketIds.Wallet(to)), transfer.GetProperty("credit").GetString());
        Assert.Equal(entries[1].GetProperty("hash").GetString(), newest.GetProperty("previous_hash").GetString());
    }

    [Fact]
    public async Task Log_pages_back_with_before_each_entry_once_through_the_api_and_the_database()
    {
        await TransferAsync("0.75");
        foreach (var source in new[] { new[] { "--coordinator", swarm.Url }, ["--db", Database] })
        {
            // Pages of 3 from the head, each started below the last line of the one before: head, head - 1, … 1, then nothing.
            var seen = new List<long>();
            long? before = null;
            for (var guard = 0; guard < 100; guard++)
            {
                var cursor = before is { } b ? new[] { "--before", b.ToString(CultureInfo.InvariantCulture) } : [];
                var (code, output) = await CliRunner.Run(["ledger", "log", .. source, "--limit", "3", "--json", .. cursor]);
                Assert.True(code == 0, output);
                var page = Lines.Of(output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetInt64()).ToList();
                if (page.Count == 0)
                    break;
                Assert.True(page.Count == 3 || page[^1] == 1, $"a short page that does not end at the first entry: {string.Join(",", page)}");
                seen.AddRange(page);
                before = page[^1];
            }
            Assert.True(seen.Count > 7, $"only {seen.Count} entries");
            Assert.Equal(Enumerable.Range(0, seen.Count).Select(i => seen[0] - i), seen);
            Assert.Equal(1, seen[^1]);
        }
        var (badCode, bad) = await CliRunner.Run("ledger", "log", "--db", Database, "--before", "0");
        Assert.Equal(2, badCode);
        Assert.Equal("error: --before must be at least 1 (see --help)", Lines.Single(bad));
    }

    [Fact]
    public async Task Log_text_through_the_api_is_one_line_per_entry()
    {
        var (from, _) = await TransferAsync("0.5");
        var (code, output) = await CliRunner.Run("ledger", "log", "--coordinator", swarm.Url, "--limit", "2");
        Assert.Equal(0, code);
        var lines = Lines.Of(output);
        Assert.Equal(2, lines.Length);
        Assert.Matches($@"^#\d+\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ  single\s+0\.500000 [0-9a-f]{{12}} -> [0-9a-f]{{12}} reason transfer id " +
            $@"[0-9a-f]{{12}}  signed by {from}$", lines[0]);
    }

    [Fact]
    public async Task Log_with_both_sources_is_bad_usage()
    {
        var (code, output) = await CliRunner.Run("ledger", "log", "--db", Database, "--coordinator", swarm.Url);
        Assert.Equal(2, code);
        Assert.Equal("error: give --db (read the database) or --coordinator (ask a running coordinator), not both", Lines.Single(output));
    }
}
