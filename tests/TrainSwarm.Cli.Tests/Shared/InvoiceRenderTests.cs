using TrainSwarm.Cli.Commands;
using TrainSwarm.Client.Invoices;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Shared;

/// <summary>The CLI's invoice renderers (text and HTML) of a hand-made invoice's statement: exact figures, escaping, the check.</summary>
public sealed class InvoiceRenderTests
{
    private const string Node = "ts1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string Validator = "ts1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    internal static Invoice Sample(string? reason = "2 rounds done", long refund = 1_234_567, bool settled = true)
    {
        var quote = new Quote("q0123456789ab", new string('0', 64), 12_800, 610_462, 8, 10_000, 80_000, 1, 8_000, 1_600, 89_600, 1, null, null, 0,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "j0123456789ab", 1000, 200);
        var terms = new RewardTerms(10_000, 610_462, 6_400, 1000, 200);
        var line = new RewardLine(Node, true, null, 6_400, 3_906_956_800, 2.0, 2.5, 8_000, 31_255, new string('1', 32), 41);
        var rejected = new RewardLine(Validator, false, "<b>norm</b> too large", 6_400, 3_906_956_800, 2.0, 9.0, 0, 0, null, 0);
        var round = new RoundRewards("j0123456789ab", "j0123456789ab-r0", 0, 1, Validator, terms, 10_000, [line, rejected],
            new FeeLine(Validator, "validator", 3_125, new string('2', 32), 42), new FeeLine("ts1cccc", "protocol", 625, new string('3', 32), 43),
            35_005, new string('4', 32), 40, true);
        return new Invoice("j0123456789ab", Node, JobStatus.Completed, reason, quote, 35_005 + refund, new string('5', 32), 7, [round],
            31_255, 3_125, 625, 35_005, refund, new string('6', 32), 44, settled);
    }

    [Fact]
    public void Html_escapes_everything_and_prints_every_amount_with_six_decimals()
    {
        var html = InvoiceHtml.Render(InvoiceStatement.From(Sample(reason: "<script>alert('x')</script> & more")));
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more", html, StringComparison.Ordinal);
        Assert.Contains("no: &lt;b&gt;norm&lt;/b&gt; too large", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">0.031255</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">80.00%</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">3.91</td>", html, StringComparison.Ordinal); // compute units: 3,906,956,800 FLOPs / 10^9
        Assert.Contains("<tr><td>Refund</td><td class=\"n\">1.234567</td><td class=\"n\">#44</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("class=\"ok\">billed + refund = reserved: 0.035005 + 1.234567 = 1.269572: balanced", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_check_says_when_an_invoice_does_not_add_up_or_is_not_settled()
    {
        var unbalanced = Sample() with { Reserved = 1 };
        Assert.False(InvoiceStatement.From(unbalanced).Balanced);
        Assert.Equal("billed + refund = reserved: 0.035005 + 1.234567 ≠ 0.000001: NOT balanced", InvoiceStatement.From(unbalanced).CheckLine);
        Assert.Contains("class=\"bad\"", InvoiceHtml.Render(InvoiceStatement.From(unbalanced)), StringComparison.Ordinal);

        var running = Sample(settled: false);
        Assert.False(InvoiceStatement.From(running).Balanced);
        Assert.StartsWith("billed + refund = reserved: 0.035005 + 1.234567 of 1.269572 reserved so far; not settled yet",
            InvoiceStatement.From(running).CheckLine);
        Assert.True(InvoiceStatement.From(Sample()).Balanced);
    }

    [Theory]
    [InlineData(10_000, "100.00%")]
    [InlineData(9_876, "98.76%")]
    [InlineData(5, "0.05%")]
    [InlineData(0, "0.00%")]
    public void Quality_weights_print_exactly_as_percentages(int bps, string expected) => Assert.Equal(expected, InvoiceStatement.Percent(bps));

    [Fact]
    public void The_console_table_lists_rounds_fees_and_totals()
    {
        var writer = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No, ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
            Out = new Spectre.Console.AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        InvoiceText.Render(console, InvoiceStatement.From(Sample()));
        var lines = Lines.Of(writer.ToString());
        Assert.Equal("Invoice for job j0123456789ab (completed: 2 rounds done)", lines[0]);
        Assert.Equal("quote q0123456789ab: 0.089600 tokens = compute 0.080000 (8 units × 0.010000) + validator fee 0.008000 + protocol fee 0.001600",
            lines[2]);
        Assert.Equal($"reserved: 1.269572 tokens (escrow {new string('5', 32)}, ledger entry #7)", lines[3]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^│ 0\s+│ ts1aaaaaaaa…\s+│\s+6,400 │\s+3\.91 " +
            @"│\s+80\.00% │\s+0\.031255 │\s+#41 │$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^│\s+│ ts1bbbbbbbb…\s+│\s+6,400 │\s+3\.91 " +
            @"│\s+rejected │\s+0\.000000 │\s+│$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^│\s+│ validator fee\s+│(\s+│){3}\s+0\.003125 │\s+#42 │$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^│\s+│ round total\s+│(\s+│){3}\s+0\.035005 │\s+#40 │$"));
        Assert.Contains($"validator fees to {Validator} (round 0)", lines);
        Assert.Equal("billed + refund = reserved: 0.035005 + 1.234567 = 1.269572: balanced", lines[^1]);
    }

    /// <summary><see cref="Sample"/> judged by a quorum: the fee of 3,125 shared 1,563 / 1,562 by two validators, a third outvoted.</summary>
    internal static Invoice QuorumSample()
    {
        var invoice = Sample();
        const string second = "ts1dddddddddddddddddddddddddddddddddddddddd", liar = "ts1eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        var round = invoice.Rounds[0] with
        {
            ValidatorFee = new FeeLine(Validator, "validator", 3_125, null, 0),
            ValidatorShares = [new FeeLine(Validator, "validator-share", 1_563, new string('7', 32), 45), new FeeLine(second, "validator-share", 1_562,
                new string('8', 32), 46)],
            Dissenters = [liar],
        };
        return invoice with { Rounds = [round] };
    }

    [Fact]
    public void A_quorum_round_shows_each_share_and_the_outvoted_validator_in_text_and_html()
    {
        var statement = InvoiceStatement.From(QuorumSample());
        var round = Assert.Single(statement.Rounds);
        Assert.Equal([1_563L, 1_562L], round.ValidatorShares!.Select(x => x.Amount.Amount));
        Assert.Equal(["ts1eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"], round.Dissenters);
        Assert.Equal([Validator, "ts1dddddddddddddddddddddddddddddddddddddddd"], statement.ValidatorPayees.Select(p => p.Payee));

        var writer = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No, ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
            Out = new Spectre.Console.AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        InvoiceText.Render(console, statement);
        var lines = Lines.Of(writer.ToString());
        void Row(string pattern) => Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, pattern));
        Row(@"^│\s+│ validator fee\s+│(\s+│){3}\s+0\.003125 │\s+│$");
        Row(@"^│\s+│   share ts1bbbbbbbb…\s+│(\s+│){3}\s+0\.001563 │\s+#45 │$");
        Row(@"^│\s+│   share ts1dddddddd…\s+│(\s+│){3}\s+0\.001562 │\s+#46 │$");
        Row(@"^│\s+│   dissent ts1eeeeeeee…\s+│(\s+│){3}\s+0\.000000 │\s+│$");
        Assert.Contains("round 0: outvoted by the quorum, paid no fee: ts1eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", lines);

        var html = InvoiceHtml.Render(statement);
        Assert.Contains("share of <span class=\"mono\">ts1dddddddddddddddddddddddddddddddddddddddd</span></td><td class=\"n\">0.001562</td>"
            + "<td class=\"n\">#46</td>", html, StringComparison.Ordinal);
        Assert.Contains("dissent of <span class=\"mono\">ts1eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee</span> (outvoted, no fee)", html,
            StringComparison.Ordinal);
    }
}
