using FsCheck;
using FsCheck.Fluent;
using TrainSwarm.Ledger.Tests.Model;
using Xunit.Abstractions;

namespace TrainSwarm.Ledger.Tests;

/// <summary>Model-based property tests: generated operation sequences against the in-memory model.</summary>
public class LedgerPropertyTests(ITestOutputHelper output)
{
    /// <summary>The issue asks for at least 10,000 sequences per run.</summary>
    private const int Sequences = 10_000;

    /// <summary>A fixed seed makes every run generate the same sequences, so a failure reproduces.</summary>
    private static readonly Config Seeded = Config.QuickThrowOnFailure
        .WithMaxTest(Sequences)
        .WithReplay(new Replay(new Rnd(0x5EED_1ED6E5UL, 0x9E37_79B9_7F4A_7C15UL), null))
        .WithQuietOnSuccess(true);

    [Fact]
    public void Engine_agrees_with_the_model_and_keeps_every_invariant()
    {
        var ran = 0;
        var steps = 0;
        var property = Prop.ForAll(Arb.From(OpGen.Scenario), scenario =>
        {
            new ScenarioRunner(scenario).Run();
            ran++;
            steps += scenario.Ops.Length;
        });
        Check.One(Seeded, property);
        output.WriteLine($"{ran} sequences, {steps} operations");
        Assert.True(ran >= Sequences, $"only {ran} sequences ran");
    }

    [Fact]
    public void Runner_catches_a_broken_ledger()
    {
        // The property must be able to fail: a tampered balance has to be noticed by the invariant checks.
        var scenario = new Scenario(true, [new MintOp(5, 1, 100), new MoveOp(6, false, 1, 2, 40, Reason.Transfer, 0, 0)]);
        new ScenarioRunner(scenario).Run();
        var broken = new Scenario(true,
        [
            new MintOp(5, 1, 100), new MoveOp(6, false, 1, 2, 101, Reason.Transfer, 0, 0), new MoveOp(6, false, 1, 2, 101, Reason.Fee, 0, 0),
        ]);
        new ScenarioRunner(broken).Run(); // still fine: refused and then a different refused request
        Assert.Throws<InvalidOperationException>(() => new ScenarioRunner(new Scenario(true, [new MintOp(5, 1, 100)])).RunWithTamper());
    }
}
