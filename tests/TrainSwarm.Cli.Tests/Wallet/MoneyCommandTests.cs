using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Wallet;

/// <summary>`swarm wallet faucet` and `swarm wallet balance` against a real devnet coordinator.</summary>
[Collection(SwarmCollection.Name)]
public sealed class MoneyCommandTests(SwarmFixture swarm)
{
    // Never contacted: these fail while the command line is parsed.
    private const string Nowhere = "http://127.0.0.1:9";

    [Theory]
    [InlineData("1.0000001", "error: --amount has more than 6 decimals ('1.0000001'); the smallest amount is 0.000001 tokens (see --help)")]
    [InlineData("-1", "error: --amount must not be negative ('-1') (see --help)")]
    [InlineData("abc", "error: --amount must be a number of tokens such as 12.5, not 'abc' (see --help)")]
    [InlineData("0", "error: --amount must be more than 0 tokens (see --help)")]
    [InlineData("1e3", "error: --amount must be a number of tokens such as 12.5, not '1e3' (see --help)")]
    [InlineData("1,5", "error: --amount must be a number of tokens such as 12.5, not '1,5' (see --help)")]
    [InlineData("99999999999999", "error: --amount is too large ('99999999999999') (see --help)")]
    public async Task A_bad_token_amount_is_one_line_of_bad_usage(string amount, string expected)
    {
        var (key, _) = swarm.NewKeyFile();
        var (code, output) = await CliRunner.Run("wallet", "faucet", "--amount", amount, "--key", key, "--coordinator", Nowhere);
        Assert.Equal(2, code);
        Assert.Equal(expected, Lines.Single(output));
    }

    [Fact]
    public async Task Faucet_then_balance_shows_exactly_the_amount()
    {
        var (key, address) = swarm.NewKeyFile();

        var (code, output) = await CliRunner.Run("wallet", "faucet", "--amount", "12.5", "--key", key, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        var lines = Lines.Of(output);
        Assert.Equal($"registered {address} as a creator", lines[0]);
        Assert.Matches($"^minted 12\\.500000 tokens into {address} \\(transfer [0-9a-f]{{32}}, ledger entry #[0-9]+\\)$", lines[1]);
        Assert.Equal("wallet: 12.500000 tokens available, 0.000000 reserved, 0.000000 claimable", lines[2]);
        Assert.Equal(12_500_000, (await swarm.BalancesAsync(address)).Wallet);

        var (balanceCode, balance) = await CliRunner.Run("wallet", "balance", "--key", key, "--coordinator", swarm.Url);
        Assert.Equal(0, balanceCode);
        var shown = Lines.Of(balance);
        Assert.Equal($"balances of {address}", shown[0]);
        Assert.Equal("available: 12.500000 tokens in the wallet", shown[1]);
        Assert.Equal("reserved: 0.000000 tokens (job escrows and round stakes)", shown[2]);
        Assert.StartsWith("claimable: 0.000000 tokens", shown[3]);
        Assert.Contains(shown, l => l.Contains("wallet", StringComparison.Ordinal) && l.Contains(TransferWire.Hex(MarketIds.Wallet(address)),
            StringComparison.Ordinal)
            && l.Contains("12.500000", StringComparison.Ordinal));

        // A second faucet call adds to the wallet and registers nothing.
        var (again, againOutput) = await CliRunner.Run("wallet", "faucet", "--amount", "0.000001", "--key", key, "--coordinator", swarm.Url);
        Assert.Equal(0, again);
        Assert.DoesNotContain("registered", againOutput, StringComparison.Ordinal);
        Assert.Contains("wallet: 12.500001 tokens available", againOutput, StringComparison.Ordinal);
        Assert.Equal(12_500_001, (await swarm.BalancesAsync(address)).Wallet);
    }

    [Fact]
    public async Task Faucet_mints_100_tokens_by_default_and_prints_json()
    {
        var (key, address) = swarm.NewKeyFile();
        var (code, output) = await CliRunner.Run("wallet", "faucet", "--key", key, "--coordinator", swarm.Url, "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(address, doc.RootElement.GetProperty("address").GetString());
        Assert.Equal(100 * Asset.UnitsPerToken, doc.RootElement.GetProperty("amount").GetInt64());
        Assert.Equal("ok", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal(100 * Asset.UnitsPerToken, doc.RootElement.GetProperty("balances").GetProperty("wallet").GetInt64());
        Assert.Equal(100 * Asset.UnitsPerToken, (await swarm.BalancesAsync(address)).Wallet);
    }

    [Fact]
    public async Task Faucet_with_role_node_opens_the_node_accounts()
    {
        var (key, address) = swarm.NewKeyFile();
        var (code, output) = await CliRunner.Run("wallet", "faucet", "--amount", "3", "--role", "node", "--key", key, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        Assert.Contains($"registered {address} as a node", output, StringComparison.Ordinal);
        var kinds = (await swarm.BalancesAsync(address)).Accounts.Select(a => a.Kind).ToHashSet();
        Assert.Equal(new HashSet<AccountKind> { AccountKind.Wallet, AccountKind.Claimable, AccountKind.Stake }, kinds);
    }

    [Fact]
    public async Task Faucet_on_a_coordinator_that_is_not_a_devnet_shows_the_refusal_in_one_line()
    {
        var folder = Path.Combine(swarm.Folder, "production-" + Guid.NewGuid().ToString("N"));
        var (app, url) = await SwarmFixture.StartAsync(folder, devnet: false);
        try
        {
            var (key, address) = swarm.NewKeyFile();
            var (code, output) = await CliRunner.Run("wallet", "faucet", "--key", key, "--coordinator", url);
            Assert.Equal(1, code);
            var lines = Lines.Of(output);
            // The key is registered (that is allowed anywhere); the mint is refused with the coordinator's reason.
            Assert.Equal($"error: the coordinator refused the faucet: 403 Forbidden: the faucet exists only on a devnet; tokens on this network come " +
                $"from other holders", lines[^1]);
            using var client = new TrainSwarm.Client.SwarmClient(new Uri(url));
            Assert.Equal(0, (await client.BalancesAsync(address)).Wallet);
        }
        finally
        {
            await SwarmFixture.StopAsync(app);
        }
    }

    [Fact]
    public async Task Faucet_without_a_key_file_says_how_to_make_one()
    {
        var path = Path.Combine(swarm.Folder, "missing.pem");
        var (code, output) = await CliRunner.Run("wallet", "faucet", "--key", path, "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal($"error: no key at {path}; create one with: swarm wallet create --key {path}", Lines.Single(output));
    }

    [Fact]
    public async Task Balance_of_an_address_and_as_json()
    {
        var (_, address) = await swarm.FundedKeyFileAsync(7 * Asset.UnitsPerToken);
        var (code, output) = await CliRunner.Run("wallet", "balance", address, "--coordinator", swarm.Url, "--json");
        Assert.Equal(0, code);
        var balances = SwarmJson.Deserialize<Balances>(output);
        Assert.Equal(address, balances.Address);
        Assert.Equal(7 * Asset.UnitsPerToken, balances.Wallet);
        Assert.Equal(0, balances.Reserved);
    }

    [Fact]
    public async Task Balance_of_an_unknown_address_says_it_has_no_accounts()
    {
        var (_, address) = swarm.NewKeyFile();
        var (code, output) = await CliRunner.Run("wallet", "balance", address, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        Assert.Equal([$"balances of {address}", "no accounts: this address is not registered on the coordinator (swarm wallet faucet registers a key " +
            "on a devnet)"], Lines.Of(output));
    }

    [Fact]
    public async Task Balance_of_a_malformed_address_is_the_coordinators_refusal()
    {
        var (code, output) = await CliRunner.Run("wallet", "balance", "nobody", "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.StartsWith("error: cannot read the balances of nobody: 400 ", Lines.Single(output));
    }

    [Fact]
    public async Task An_unreachable_coordinator_is_one_line()
    {
        var (key, _) = swarm.NewKeyFile();
        var (code, output) = await CliRunner.Run("wallet", "balance", "--key", key, "--coordinator", Nowhere);
        Assert.Equal(1, code);
        Assert.StartsWith("error: cannot reach the coordinator at http://127.0.0.1:9/", Lines.Single(output));
    }
}
