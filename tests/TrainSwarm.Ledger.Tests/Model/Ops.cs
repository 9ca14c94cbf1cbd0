using FsCheck;
using FsCheck.Fluent;

namespace TrainSwarm.Ledger.Tests.Model;

/// <summary>An abstract ledger operation; the runner turns it into a concrete request against the current state.</summary>
public abstract record Op;

/// <summary>Open account slot <paramref name="Slot"/> (id Slot+1) with a kind and one of three owners.</summary>
public sealed record OpenOp(int Slot, AccountKind Kind, int Owner) : Op;

/// <summary>Mint into a slot (debits slot 0, the mint when there is one).</summary>
public sealed record MintOp(int Id, int Slot, long Amount) : Op;

/// <summary>A single or pending transfer between slots.</summary>
public sealed record MoveOp(int Id, bool Pending, int From, int To, long Amount, Reason Reason, int Round, uint TimeoutSeconds) : Op;

/// <summary>Post or void one of the pending ids submitted so far; Mode 0 full, 1 partial, 2 one over, 3 zero.</summary>
public sealed record ResolveOp(int Id, bool Post, int Pick, int Mode) : Op;

/// <summary>Advance the clock and expire what is due.</summary>
public sealed record AdvanceOp(int Milliseconds) : Op;

/// <summary>Submit an earlier request again, unchanged.</summary>
public sealed record RetryOp(int Pick) : Op;

/// <summary>Submit an earlier committed request's id with one field changed.</summary>
public sealed record ReuseOp(int Pick, int Field) : Op;

/// <summary>A generated run: the ledger's flavour and its operations.</summary>
public sealed record Scenario(bool Devnet, Op[] Ops)
{
    public override string ToString() => $"devnet={Devnet}: " + string.Join("; ", Ops.Select(o => o.ToString()));
}

/// <summary>FsCheck generators: small id and slot ranges so collisions, retries and resolutions happen often.</summary>
public static class OpGen
{
    private static readonly Reason[] MoveReasons = [Reason.Transfer, Reason.Escrow, Reason.Fee, Reason.Stake, Reason.Payout, Reason.Mint];

    private static Gen<int> Id => Gen.Choose(1, 60);
    private static Gen<int> Slot => Gen.Choose(0, 5);

    private static Gen<long> Amount => Gen.Frequency(
        (1, Gen.Constant(0L)),
        (8, Gen.Choose(1, 300).Select(a => (long)a)),
        (1, Gen.Choose(1, 5000).Select(a => a * 1000L)));

    public static Gen<Op> Op => Gen.Frequency(
        (2, from slot in Slot
            from kind in Gen.Elements(Enum.GetValues<AccountKind>())
            from owner in Gen.Choose(0, 2)
            select (Op)new OpenOp(slot, kind, owner)),
        (3, from id in Id
            from slot in Slot
            from amount in Amount
            select (Op)new MintOp(id, slot, amount)),
        (8, from id in Id
            from pending in Gen.Elements(true, false)
            from a in Slot
            from b in Slot
            from amount in Amount
            from reason in Gen.Elements(MoveReasons)
            from round in Gen.Choose(0, 2)
            from timeout in Gen.Elements(0u, 0u, 1u, 2u, 5u)
            select (Op)new MoveOp(id, pending, a, b, amount, reason, round, timeout)),
        (6, from id in Id
            from post in Gen.Elements(true, true, false)
            from pick in Gen.Choose(0, 1000)
            from mode in Gen.Choose(0, 3)
            select (Op)new ResolveOp(id, post, pick, mode)),
        (2, Gen.Elements(0, 500, 1000, 2500).Select(ms => (Op)new AdvanceOp(ms))),
        (2, Gen.Choose(0, 1000).Select(pick => (Op)new RetryOp(pick))),
        (2, from pick in Gen.Choose(0, 1000)
            from changed in Gen.Choose(0, 5)
            select (Op)new ReuseOp(pick, changed)));

    public static Gen<Scenario> Scenario =>
        from devnet in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
        from count in Gen.Choose(1, 30)
        from ops in Op.ArrayOf(count)
        select new Scenario(devnet, ops);
}
