using TrainSwarm.Client.Invoices;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Shared;

/// <summary>
/// The one invoice model the CLI's table, the CLI's HTML page and the dashboard render: every figure, ledger entry and
/// line of the hand-made invoice of <see cref="InvoiceRenderTests.Sample"/>, exactly.
/// </summary>
public sealed class InvoiceStatementTests
{
    private const string Node = "ts1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string Validator = "ts1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Fact]
    public void The_statement_carries_every_amount_and_entry_of_the_invoice()
    {
        var s = InvoiceStatement.From(InvoiceRenderTests.Sample());
        Assert.Equal(("j0123456789ab", Node, "completed: 2 rounds done"), (s.JobId, s.Creator, s.StatusText));
        Assert.Equal(new StatementQuote("q0123456789ab", 89_600, 80_000, 8, 10_000, 8_000, 1_600), s.Quote);
        Assert.Equal(new StatementAmount(1_269_572, new StatementEntry(new string('5', 32), 7)), s.Reserved);

        var round = Assert.Single(s.Rounds);
        Assert.Equal(("j0123456789ab-r0", 0, 1, false), (round.RoundId, round.Index, round.Attempt, round.Scaled));
        Assert.Equal(
            [
                new StatementLine(Node, true, null, 6_400, 3_906_956_800, 8_000, 31_255, new StatementEntry(new string('1', 32), 41)),
                new StatementLine(Validator, false, "<b>norm</b> too large", 6_400, 3_906_956_800, 0, 0, new StatementEntry(null, 0)),
            ],
            round.Lines);
        Assert.Equal(new StatementFee(Validator, new StatementAmount(3_125, new StatementEntry(new string('2', 32), 42))), round.ValidatorFee);
        Assert.Equal(new StatementFee("ts1cccc", new StatementAmount(625, new StatementEntry(new string('3', 32), 43))), round.ProtocolFee);
        Assert.Equal(new StatementAmount(35_005, new StatementEntry(new string('4', 32), 40)), round.Total);

        Assert.Equal(new StatementTotals(31_255, 3_125, 625, 35_005), s.Totals);
        Assert.Equal(new StatementRefund(1_234_567, new StatementEntry(new string('6', 32), 44)), s.Refund);
        Assert.True(s.Settled);
        Assert.True(s.Balanced);
        Assert.False(s.AnyScaled);
        var (payee, rounds) = Assert.Single(s.ValidatorPayees);
        Assert.Equal(Validator, payee);
        Assert.Equal([0], rounds);
        Assert.Equal("billed + refund = reserved: 0.035005 + 1.234567 = 1.269572: balanced", s.CheckLine);
        Assert.Equal("refund: 1.234567 tokens returned to the creator (ledger entry #44)", s.RefundLine);
    }

    [Fact]
    public void Ledger_entries_read_as_committed_pending_or_absent()
    {
        Assert.Equal(("#41", "#41"), (new StatementEntry("t", 41).Label, new StatementEntry("t", 41).CommittedLabel));
        Assert.Equal(("pending", ""), (new StatementEntry("t", 0).Label, new StatementEntry("t", 0).CommittedLabel));
        Assert.Equal(("", ""), (new StatementEntry(null, 0).Label, new StatementEntry(null, 0).CommittedLabel));
    }

    [Theory]
    [InlineData(null, 0L, "refund: none yet (the job is still running)")]
    [InlineData(0L, 0L, "refund: 0.000000 tokens (the whole budget was spent)")]
    [InlineData(2_500_000L, 0L, "refund: 2.500000 tokens, not yet committed to the ledger")]
    [InlineData(2_500_000L, 9L, "refund: 2.500000 tokens returned to the creator (ledger entry #9)")]
    public void The_refund_line_says_how_much_returned_and_whether_it_is_committed(long? refund, long sequence, string expected)
    {
        var invoice = InvoiceRenderTests.Sample() with { Refund = refund, RefundSequence = sequence };
        Assert.Equal(expected, InvoiceStatement.From(invoice).RefundLine);
    }

    [Fact]
    public void A_scaled_round_is_flagged_and_an_unsettled_invoice_is_never_balanced()
    {
        var invoice = InvoiceRenderTests.Sample(settled: false);
        invoice = invoice with { Rounds = [invoice.Rounds[0] with { BudgetScaleBps = 5_000 }] };
        var s = InvoiceStatement.From(invoice);
        Assert.True(s.Rounds[0].Scaled);
        Assert.True(s.AnyScaled);
        Assert.False(s.Balanced);
        Assert.Equal("50.00%", InvoiceStatement.Percent(s.Rounds[0].BudgetScaleBps));
        Assert.Equal("3.91", InvoiceStatement.Units(s.Rounds[0].Lines[0].Flops));
    }
}
