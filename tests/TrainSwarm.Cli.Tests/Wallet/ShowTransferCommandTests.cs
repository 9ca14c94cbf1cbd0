using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Wallet;

/// <summary>`swarm wallet show` and `swarm wallet transfer` against a real devnet coordinator: what is printed, and exactly what moved.</summary>
[Collection(SwarmCollection.Name)]
public sealed class ShowTransferCommandTests(SwarmFixture swarm)
{
    private const string Nowhere = "http://127.0.0.1:9";

    // ---- show ----

    [Fact]
    public async Task Show_prints_the_key_file_address_public_key_and_registration()
    {
        var (path, address) = await swarm.FundedKeyFileAsync(0);
        using var key = ActorKey.Load(path);
        var (code, output) = await CliRunner.Run("wallet", "show", "--key", path, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        Assert.Equal(
        [
            $"key: {path} (mode 0600)",
            $"address: {address}",
            $"public key: {Convert.ToBase64String(key.PublicKey)}",
            $"registered: yes, on {swarm.Url} (accounts: wallet)",
        ], Lines.Of(output));
        Assert.Equal(address, Address.FromPublicKey(Convert.FromBase64String(Lines.Of(output)[2]["public key: ".Length..])));
    }

    [Fact]
    public async Task Show_of_an_unregistered_key_says_so_and_json_says_false()
    {
        var (path, address) = swarm.NewKeyFile();
        var (code, output) = await CliRunner.Run("wallet", "show", "--key", path, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        Assert.Equal($"registered: no, on {swarm.Url} (a devnet registers it with: swarm wallet faucet --key {path})", Lines.Of(output)[^1]);

        var (jsonCode, json) = await CliRunner.Run("wallet", "show", "--key", path, "--coordinator", swarm.Url, "--json");
        Assert.Equal(0, jsonCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(address, doc.RootElement.GetProperty("address").GetString());
        Assert.False(doc.RootElement.GetProperty("registered").GetBoolean());
    }

    [Fact]
    public async Task Show_without_a_coordinator_still_shows_the_key()
    {
        var (path, address) = swarm.NewKeyFile();
        var (code, output) = await CliRunner.Run("wallet", "show", "--key", path, "--coordinator", Nowhere);
        Assert.Equal(0, code);
        var lines = Lines.Of(output);
        Assert.Equal($"address: {address}", lines[1]);
        Assert.StartsWith($"registered: unknown, cannot reach the coordinator at {Nowhere}: ", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_of_a_missing_key_is_one_line()
    {
        var path = Path.Combine(swarm.Folder, "absent.pem");
        var (code, output) = await CliRunner.Run("wallet", "show", "--key", path, "--coordinator", Nowhere);
        Assert.Equal(1, code);
        Assert.Equal($"error: no key at {path}; create one with: swarm wallet create --key {path}", Lines.Single(output));
    }

    // ---- transfer ----

    [Fact]
    public async Task Transfer_moves_exactly_the_amount_and_prints_the_ledger_entry()
    {
        var (payer, from) = await swarm.FundedKeyFileAsync(10 * Asset.UnitsPerToken);
        var (_, to) = await swarm.FundedKeyFileAsync(Asset.UnitsPerToken);

        var (code, output) = await CliRunner.Run("wallet", "transfer", "--to", to, "--amount", "2.345678", "--key", payer, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var lines = Lines.Of(output);
        var match = System.Text.RegularExpressions.Regex.Match(lines[0], $"^sent 2\\.345678 tokens from {from} to {to}: transfer ([0-9a-f]{{32}}), " +
            $"ledger entry #([0-9]+)$");
        Assert.True(match.Success, lines[0]);
        Assert.Equal("wallet: 7.654322 tokens available, 0.000000 reserved", lines[1]);
        Assert.Equal(7_654_322, (await swarm.BalancesAsync(from)).Wallet);
        Assert.Equal(3_345_678, (await swarm.BalancesAsync(to)).Wallet);

        // The ledger holds it as the payer's own signed transfer.
        using var client = swarm.Client();
        var transfer = await client.LedgerTransferAsync(match.Groups[1].Value);
        Assert.Equal((2_345_678L, Reason.Transfer), (transfer.Amount, transfer.Reason));
        var entry = Assert.Single(await client.LedgerEntriesAsync(long.Parse(match.Groups[2].Value,
            System.Globalization.CultureInfo.InvariantCulture) - 1, 1));
        Assert.Equal(from, entry.Actor);
    }

    [Fact]
    public async Task Transfer_with_the_same_id_moves_nothing_twice()
    {
        var (payer, from) = await swarm.FundedKeyFileAsync(5 * Asset.UnitsPerToken);
        var (_, to) = await swarm.FundedKeyFileAsync(0);
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        string[] args = ["wallet", "transfer", "--to", to, "--amount", "1", "--id", id, "--key", payer, "--coordinator", swarm.Url];
        Assert.Equal(0, (await CliRunner.Run(args)).ExitCode);
        var (code, output) = await CliRunner.Run(args);
        Assert.Equal(0, code);
        Assert.StartsWith($"transfer {id} was already committed (ledger entry #", Lines.Of(output)[0], StringComparison.Ordinal);
        Assert.Equal(4 * Asset.UnitsPerToken, (await swarm.BalancesAsync(from)).Wallet);
        Assert.Equal(Asset.UnitsPerToken, (await swarm.BalancesAsync(to)).Wallet);
    }

    [Theory]
    [InlineData("ts1xyz", "1", "error: --to must be an address (ts1 + 40 lowercase hex characters), not 'ts1xyz' (see --help)")]
    [InlineData(null, "0", "error: --amount must be more than 0 tokens (see --help)")]
    [InlineData(null, "-2", "error: --amount must not be negative ('-2') (see --help)")]
    [InlineData(null, "0.0000001", "error: --amount has more than 6 decimals ('0.0000001'); the smallest amount is 0.000001 tokens (see --help)")]
    public async Task A_bad_address_or_amount_is_bad_usage_and_moves_nothing(string? to, string amount, string expected)
    {
        var (payer, from) = await swarm.FundedKeyFileAsync(3 * Asset.UnitsPerToken);
        var (_, other) = await swarm.FundedKeyFileAsync(0);
        var (code, output) = await CliRunner.Run("wallet", "transfer", "--to", to ?? other, "--amount", amount, "--key", payer, "--coordinator", swarm.Url);
        Assert.Equal(2, code);
        Assert.Equal(expected, Lines.Single(output));
        Assert.Equal(3 * Asset.UnitsPerToken, (await swarm.BalancesAsync(from)).Wallet);
        Assert.Equal(0, (await swarm.BalancesAsync(other)).Wallet);
    }

    [Fact]
    public async Task Insufficient_funds_or_an_unknown_recipient_is_one_line_and_moves_nothing()
    {
        var (payer, from) = await swarm.FundedKeyFileAsync(Asset.UnitsPerToken);
        var (_, to) = await swarm.FundedKeyFileAsync(0);

        var (code, output) = await CliRunner.Run("wallet", "transfer", "--to", to, "--amount", "1.000001", "--key", payer, "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal($"error: insufficient funds: {from} has 1.000000 tokens available, the transfer needs 1.000001; nothing moved", Lines.Single(output));

        var (_, stranger) = swarm.NewKeyFile();
        var (unknownCode, unknown) = await CliRunner.Run("wallet", "transfer", "--to", stranger, "--amount", "0.5", "--key", payer, "--coordinator",
            swarm.Url);
        Assert.Equal(1, unknownCode);
        Assert.Equal($"error: {stranger} has no wallet on this coordinator (not registered); check the address; nothing moved", Lines.Single(unknown));

        Assert.Equal(Asset.UnitsPerToken, (await swarm.BalancesAsync(from)).Wallet);
        Assert.Equal(0, (await swarm.BalancesAsync(to)).Wallet);
    }
}
