using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Job;

/// <summary>`swarm job submit|cancel|invoice` against a real devnet coordinator: what a person sees, and what moved.</summary>
[Collection(SwarmCollection.Name)]
public sealed class MarketCommandTests(SwarmFixture swarm)
{
    private const string Nowhere = "http://127.0.0.1:9";
    private const long Funds = 50 * Asset.UnitsPerToken;

    private async Task<IReadOnlyList<JobView>> JobsOfAsync(string creator)
    {
        using var client = swarm.Client();
        return (await client.JobsAsync()).Where(j => j.Creator == creator).ToList();
    }

    /// <summary>Submits <see cref="Specs.Waiting"/> through the CLI with <paramref name="budget"/>; returns the job id.</summary>
    private async Task<string> SubmitAsync(string key, string budget, params string[] extra)
    {
        var (code, output) = await CliRunner.Run(["job", "submit", swarm.SpecFile(Specs.Waiting), "--budget", budget, "--key", key, "--coordinator",
            swarm.Url, .. extra]);
        Assert.True(code == 0, output);
        return SwarmFixture.JobIdIn(output);
    }

    // ---- bad input ----

    [Theory]
    [InlineData("1.0000001", "error: --budget has more than 6 decimals ('1.0000001'); the smallest amount is 0.000001 tokens (see --help)")]
    [InlineData("-1", "error: --budget must not be negative ('-1') (see --help)")]
    [InlineData("abc", "error: --budget must be a number of tokens such as 12.5, not 'abc' (see --help)")]
    public async Task Submit_with_a_bad_budget_is_bad_usage(string budget, string expected)
    {
        var (key, _) = swarm.NewKeyFile();
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.Waiting), "--budget", budget, "--key", key, "--coordinator", Nowhere);
        Assert.Equal(2, code);
        Assert.Equal(expected, Lines.Single(output));
    }

    [Theory]
    [InlineData("2x", "error: --deadline must be a duration such as 90s, 30m, 2h or 1d, not '2x' (see --help)")]
    [InlineData("4s", "error: --deadline must be between 5s and 30d, not '4s' (see --help)")]
    [InlineData("31d", "error: --deadline must be between 5s and 30d, not '31d' (see --help)")]
    public async Task Submit_with_a_bad_deadline_is_bad_usage(string deadline, string expected)
    {
        var (key, _) = swarm.NewKeyFile();
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.Waiting), "--deadline", deadline, "--key", key,
            "--coordinator", Nowhere);
        Assert.Equal(2, code);
        Assert.Equal(expected, Lines.Single(output));
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("invoice")]
    [InlineData("cancel")]
    public async Task A_missing_argument_is_bad_usage(string command)
    {
        var (code, output) = await CliRunner.Run("job", command, "--coordinator", Nowhere);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", Lines.Single(output));
    }

    // ---- submit ----

    [Fact]
    public async Task Submit_with_a_budget_below_the_quote_fails_in_one_line_and_makes_no_job()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Funds);
        var total = await swarm.QuoteTotalAsync(Specs.Waiting);
        Assert.True(total > 1);
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.Waiting), "--budget", "0.000001", "--key", key,
            "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal(
            $"error: budget 0.000001 is below the quote's total {Asset.Format(total)} tokens; raise --budget, or pass --partial to train until the " +
                $"budget is spent",
            Lines.Single(output));
        Assert.Empty(await JobsOfAsync(address));
        var balances = await swarm.BalancesAsync(address);
        Assert.Equal((Funds, 0L), (balances.Wallet, balances.Reserved));
    }

    [Fact]
    public async Task Submit_reserves_the_budget_and_prints_the_job_the_reservation_and_the_deadline()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Funds);
        var total = await swarm.QuoteTotalAsync(Specs.Waiting);
        var before = DateTimeOffset.UtcNow;
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.Waiting), "--budget", "5", "--deadline", "2h", "--key", key,
            "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var id = SwarmFixture.JobIdIn(output);
        var lines = Lines.Of(output);
        Assert.StartsWith("Quote q", lines[0]); // the quote is shown first
        Assert.Contains($"job {id} submitted by {address}", lines);
        Assert.Contains(lines, l => l.StartsWith($"reserved: 5.000000 tokens from the wallet (escrow ", StringComparison.Ordinal)
            && l.EndsWith($"; the quote's total is {Asset.Format(total)})", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("deadline: ", StringComparison.Ordinal) && l.Contains("UTC (in 2 h 0 min)", StringComparison.Ordinal));

        var balances = await swarm.BalancesAsync(address);
        Assert.Equal(5 * Asset.UnitsPerToken, balances.Reserved);
        Assert.Equal(Funds - 5 * Asset.UnitsPerToken, balances.Wallet);
        var job = Assert.Single(await JobsOfAsync(address));
        Assert.Equal(id, job.Id);
        Assert.Equal(JobStatus.Running, job.Status);
        Assert.Equal(5 * Asset.UnitsPerToken, job.Billing!.Budget);
        Assert.InRange(job.Billing.Deadline, before.AddHours(2).AddSeconds(-5), DateTimeOffset.UtcNow.AddHours(2).AddSeconds(5));
    }

    [Fact]
    public async Task Submit_without_a_budget_reserves_the_quotes_total_and_registers_a_new_key()
    {
        var (key, address) = swarm.NewKeyFile();
        Assert.Equal(0, (await CliRunner.Run("wallet", "faucet", "--amount", "1", "--role", "creator", "--key", key, "--coordinator", swarm.Url)).ExitCode);
        var total = await swarm.QuoteTotalAsync(Specs.Waiting);
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.Waiting), "--key", key, "--coordinator", swarm.Url, "--json");
        Assert.True(code == 0, output);
        var job = SwarmJson.Deserialize<JobView>(output);
        Assert.Equal(address, job.Creator);
        Assert.Equal(total, job.Billing!.Budget);
        Assert.Equal(total, (await swarm.BalancesAsync(address)).Reserved);
    }

    [Fact]
    public async Task Submit_with_a_partial_budget_below_the_quote_is_accepted()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Funds);
        var id = await SubmitAsync(key, "0.000100", "--partial");
        var job = Assert.Single(await JobsOfAsync(address));
        Assert.Equal((id, 100L, true), (job.Id, job.Billing!.Budget, job.Billing.PartialBudget));
        Assert.Equal(100, (await swarm.BalancesAsync(address)).Reserved);
    }

    [Fact]
    public async Task Submit_beyond_the_wallet_shows_the_coordinators_402_in_one_line()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Asset.UnitsPerToken);
        var (code, output) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.Waiting), "--budget", "5", "--key", key, "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        var line = Lines.Of(output)[^1];
        Assert.Equal(
            $"error: the coordinator refused the job: 402 Insufficient funds: wallet {address} has 1.000000 tokens available; the budget needs " +
                $"5.000000. Fund the wallet (on a devnet: swarm wallet faucet)",
            line);
        Assert.Empty(await JobsOfAsync(address));
        Assert.Equal((Asset.UnitsPerToken, 0L), ((await swarm.BalancesAsync(address)).Wallet, (await swarm.BalancesAsync(address)).Reserved));
    }

    // ---- cancel ----

    [Fact]
    public async Task Cancel_prints_the_refund_of_the_whole_budget_and_restores_the_wallet()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Funds);
        var id = await SubmitAsync(key, "7.25");
        Assert.Equal(7_250_000, (await swarm.BalancesAsync(address)).Reserved);

        var (code, output) = await CliRunner.Run("job", "cancel", id, "--key", key, "--coordinator", swarm.Url);
        Assert.True(code == 0, output);
        var lines = Lines.Of(output);
        Assert.Equal($"job {id} cancelled: cancelled by the creator", lines[0]);
        Assert.Equal("billed: 0.000000 tokens for 0 rounds paid", lines[1]);
        Assert.Matches(@"^refund: 7\.250000 tokens returned to the creator \(ledger entry #[0-9]+\)$", lines[2]);
        Assert.Equal(3, lines.Length);

        var balances = await swarm.BalancesAsync(address);
        Assert.Equal((Funds, 0L), (balances.Wallet, balances.Reserved));

        // Cancelling again is the coordinator's 409, in one line.
        var (again, againOutput) = await CliRunner.Run("job", "cancel", id, "--key", key, "--coordinator", swarm.Url);
        Assert.Equal(1, again);
        Assert.Equal($"error: cannot cancel job {id}: 409 Conflict: job {id} already ended (cancelled)", Lines.Single(againOutput));
    }

    [Fact]
    public async Task Cancel_by_someone_else_is_refused_and_moves_nothing()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Funds);
        var id = await SubmitAsync(key, "2");
        var (other, _) = await swarm.FundedKeyFileAsync(0);
        var (code, output) = await CliRunner.Run("job", "cancel", id, "--key", other, "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal($"error: cannot cancel job {id}: 403 Forbidden: only the job's creator {address} may cancel it", Lines.Single(output));
        Assert.Equal(2 * Asset.UnitsPerToken, (await swarm.BalancesAsync(address)).Reserved);
    }

    [Fact]
    public async Task Cancel_of_an_unknown_job_shows_the_coordinators_detail()
    {
        var (key, _) = await swarm.FundedKeyFileAsync(0);
        var (code, output) = await CliRunner.Run("job", "cancel", "j000000000000", "--key", key, "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal("error: cannot cancel job j000000000000: 404 Not found: no job j000000000000", Lines.Single(output));
    }

    // ---- invoice ----

    [Fact]
    public async Task Invoice_of_an_unknown_job_shows_the_coordinators_detail()
    {
        var (code, output) = await CliRunner.Run("job", "invoice", "j000000000000", "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.Equal("error: cannot read the invoice of job j000000000000: 404 Not found: no job j000000000000 with billing", Lines.Single(output));
    }

    // A malformed id is refused by the CLI itself (one line, bad usage), as job status does: the coordinator is never
    // asked, so an unreachable address proves it.
    [Theory]
    [InlineData("invoice")]
    [InlineData("cancel")]
    public async Task Invoice_and_cancel_refuse_a_malformed_job_id_without_calling_the_coordinator(string verb)
    {
        var (code, output) = await CliRunner.Run("job", verb, "nope", "--coordinator", "http://127.0.0.1:9");
        Assert.Equal(2, code);
        Assert.Equal("error: 'nope' is not a job id (j + 12 lowercase hex characters, as swarm job list shows) (see --help)", Lines.Single(output));
    }

    [Fact]
    public async Task Invoice_json_of_a_cancelled_job_round_trips_and_adds_up()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Funds);
        var id = await SubmitAsync(key, "3.5");
        Assert.Equal(0, (await CliRunner.Run("job", "cancel", id, "--key", key, "--coordinator", swarm.Url)).ExitCode);

        var (code, output) = await CliRunner.Run("job", "invoice", id, "--coordinator", swarm.Url, "--json");
        Assert.Equal(0, code);
        var invoice = SwarmJson.Deserialize<Invoice>(output);
        Assert.Equal((id, address, JobStatus.Cancelled), (invoice.JobId, invoice.Creator, invoice.Status));
        Assert.True(invoice.Settled);
        Assert.Equal(3_500_000, invoice.Reserved);
        Assert.Equal(0, invoice.TotalBilled);
        Assert.Equal(3_500_000, invoice.Refund);
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        Assert.True(invoice.RefundSequence > invoice.EscrowSequence);
    }

    [Fact]
    public async Task Invoice_text_of_a_running_job_says_it_is_not_settled()
    {
        var (key, _) = await swarm.FundedKeyFileAsync(Funds);
        var id = await SubmitAsync(key, "4");
        var (code, output) = await CliRunner.Run("job", "invoice", id, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        var lines = Lines.Of(output);
        Assert.Equal($"Invoice for job {id} (running)", lines[0]);
        Assert.Matches(@"^reserved: 4\.000000 tokens \(escrow [0-9a-f]{32}, ledger entry #[0-9]+\)$", lines[3]);
        Assert.Contains("rounds: none paid", lines);
        Assert.Contains(lines, l => l.StartsWith("billed + refund = reserved: 0.000000 + 0.000000 of 4.000000 reserved so far; not settled yet",
            StringComparison.Ordinal));
        Assert.Equal("refund: none yet (the job is still running)", lines[^1]);
    }

    [Fact]
    public async Task Invoice_html_writes_a_printable_page_with_the_job_and_the_refund()
    {
        var (key, _) = await swarm.FundedKeyFileAsync(Funds);
        var id = await SubmitAsync(key, "6.000001");
        Assert.Equal(0, (await CliRunner.Run("job", "cancel", id, "--key", key, "--coordinator", swarm.Url)).ExitCode);
        var path = Path.Combine(swarm.Folder, $"invoice-{id}.html");

        var (code, output) = await CliRunner.Run("job", "invoice", id, "--html", path, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        Assert.Equal($"wrote the invoice of job {id} to {path}", Lines.Single(output));
        var html = await File.ReadAllTextAsync(path);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains($"<title>Invoice {id}</title>", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>Refund</td><td class=\"n\">6.000001</td>", html, StringComparison.Ordinal);
        Assert.Contains("billed + refund = reserved: 0.000000 + 6.000001 = 6.000001: balanced", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal),
            StringComparison.Ordinal); // self-contained: no external resources
    }

    [Fact]
    public async Task Invoice_html_into_a_missing_folder_is_one_line()
    {
        var (key, _) = await swarm.FundedKeyFileAsync(Funds);
        var id = await SubmitAsync(key, "1");
        var path = Path.Combine(swarm.Folder, "no-such-folder", "invoice.html");
        var (code, output) = await CliRunner.Run("job", "invoice", id, "--html", path, "--coordinator", swarm.Url);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: cannot write the invoice to {path}: ", Lines.Single(output));
    }

    // ---- a job with a paid round ----

    [Fact]
    public async Task Invoice_of_a_job_with_a_paid_round_itemizes_it_and_balances()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Funds);
        var (submitCode, submitted) = await CliRunner.Run("job", "submit", swarm.SpecFile(Specs.OneRound), "--key", key, "--coordinator", swarm.Url);
        Assert.True(submitCode == 0, submitted);
        var id = SwarmFixture.JobIdIn(submitted);
        var (roundId, _, node) = await swarm.PlayRoundAsync(id, baseLoss: 2.0, updatedLoss: 2.5);
        using (var client = swarm.Client())
            await SwarmFixture.EventuallyAsync(async () => (await client.InvoiceAsync(id)).Settled, "the invoice to settle");

        var (jsonCode, json) = await CliRunner.Run("job", "invoice", id, "--coordinator", swarm.Url, "--json");
        Assert.Equal(0, jsonCode);
        var invoice = SwarmJson.Deserialize<Invoice>(json);
        Assert.Equal(JobStatus.Completed, invoice.Status);
        var round = Assert.Single(invoice.Rounds);
        var line = Assert.Single(round.Lines);
        Assert.Equal((node, 8000, roundId), (line.Node, line.QualityBps, round.RoundId)); // 10000 × 2.0 / 2.5
        Assert.True(line.Payout > 0);
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        Assert.Equal(invoice.ComputePaid + invoice.ValidatorFees + invoice.ProtocolFees, invoice.TotalBilled);

        var (code, output) = await CliRunner.Run("job", "invoice", id, "--coordinator", swarm.Url);
        Assert.Equal(0, code);
        var lines = Lines.Of(output);
        Assert.Equal($"Invoice for job {id} (completed: {invoice.StatusReason})", lines[0]);
        var row = Assert.Single(lines, l => l.Contains(node[..11] + "…", StringComparison.Ordinal));
        Assert.Matches($@"^│ 0\s+│ {node[..11]}…\s+│\s+6,400 │\s+{Regex(InvoiceUnits(line.Flops))} │\s+80\.00% " +
            $@"│\s+{Regex(Asset.Format(line.Payout))} │\s+#{line.Sequence} │", row);
        Assert.Contains(lines, l => l.Contains("validator fee", StringComparison.Ordinal) && l.Contains(Asset.Format(round.ValidatorFee.Amount),
            StringComparison.Ordinal)
            && l.Contains($"#{round.ValidatorFee.Sequence}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("protocol fee", StringComparison.Ordinal) && l.Contains(Asset.Format(round.ProtocolFee.Amount),
            StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("total billed", StringComparison.Ordinal) && l.Contains(Asset.Format(invoice.TotalBilled),
            StringComparison.Ordinal));
        Assert.Contains(
            $"billed + refund = reserved: {Asset.Format(invoice.TotalBilled)} + {Asset.Format(invoice.Refund!.Value)} = " +
                $"{Asset.Format(invoice.Reserved)}: balanced", lines);
        Assert.Equal($"refund: {Asset.Format(invoice.Refund.Value)} tokens returned to the creator (ledger entry #{invoice.RefundSequence})", lines[^1]);

        // What moved: the creator paid exactly the bill; nothing stays reserved.
        var balances = await swarm.BalancesAsync(address);
        Assert.Equal((Funds - invoice.TotalBilled, 0L), (balances.Wallet, balances.Reserved));
    }

    [Fact]
    public async Task Submit_with_watch_follows_the_job_and_prints_its_settled_invoice()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(Funds);
        var run = CliRunner.Run("job", "submit", swarm.SpecFile(Specs.OneRound), "--budget", "9", "--watch", "--key", key, "--coordinator", swarm.Url);
        string? id = null;
        await SwarmFixture.EventuallyAsync(async () => (id = (await JobsOfAsync(address)).SingleOrDefault()?.Id) is not null, "the job to be submitted");
        await swarm.PlayRoundAsync(id!);

        var (code, output) = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, output);
        using var client = swarm.Client();
        var invoice = await client.InvoiceAsync(id!);
        Assert.True(Balanced(invoice));
        var lines = Lines.Of(output);
        Assert.Contains($"job {id} submitted by {address}", lines);
        Assert.Contains(lines, l => l.Contains("round 0 done", StringComparison.Ordinal)); // the progress lines
        Assert.Contains(lines, l => l.EndsWith($"job {id} completed: {invoice.StatusReason}", StringComparison.Ordinal));
        Assert.Contains($"billed + refund = reserved: {Asset.Format(invoice.TotalBilled)} + {Asset.Format(invoice.Refund!.Value)} = 9.000000: " +
            $"balanced", lines);
        Assert.Equal($"refund: {Asset.Format(invoice.Refund.Value)} tokens returned to the creator (ledger entry #{invoice.RefundSequence})", lines[^1]);
        var balances = await swarm.BalancesAsync(address);
        Assert.Equal((Funds - invoice.TotalBilled, 0L), (balances.Wallet, balances.Reserved));
    }

    private static bool Balanced(Invoice i) => i.Settled && i.TotalBilled + i.Refund == i.Reserved;

    private static string InvoiceUnits(long flops) => (flops / 1e9).ToString("N2", System.Globalization.CultureInfo.InvariantCulture);

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
