using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Validator.Tests.Synthetic;

namespace TrainSwarm.Validator.Tests;

public sealed class ReceiptChecksTests : IDisposable
{
    private readonly ActorKey _node = ActorKey.Generate();
    private readonly ActorKey _other = ActorKey.Generate();

    private string PublicKey => Convert.ToBase64String(_node.PublicKey);

    private TrainingReceipt Valid() => Receipt(_node.Address, [1, 2, 3]);

    [Fact]
    public void A_receipt_signed_by_the_node_for_this_round_passes()
    {
        Assert.Null(ReceiptChecks.Check(Signed(_node, Valid()), Round(), PublicKey));
    }

    [Fact]
    public void A_receipt_changed_after_signing_is_rejected()
    {
        var submission = Signed(_node, Valid());
        var tampered = submission with { Receipt = submission.Receipt with { Samples = 1_000_000 } };
        Assert.Equal($"the receipt's signature does not verify with node {_node.Address}'s key", ReceiptChecks.Check(tampered, Round(), PublicKey));
    }

    [Fact]
    public void A_receipt_signed_by_another_key_is_rejected()
    {
        Assert.Contains("signature does not verify", ReceiptChecks.Check(Signed(_other, Valid()), Round(), PublicKey), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_does_not_derive_the_node_address_is_rejected()
    {
        var reason = ReceiptChecks.Check(Signed(_other, Valid()), Round(), Convert.ToBase64String(_other.PublicKey));
        Assert.Equal($"node {_node.Address}'s registered public key does not derive its address", reason);
    }

    [Fact]
    public void An_unknown_node_is_rejected()
    {
        Assert.Equal($"node {_node.Address} is not registered", ReceiptChecks.Check(Signed(_node, Valid()), Round(), null));
    }

    [Fact]
    public void A_receipt_about_other_work_is_rejected()
    {
        var round = Round();
        Assert.Equal("the receipt is for round round-2, not round-1",
            ReceiptChecks.Check(Signed(_node, Valid() with { RoundId = "round-2" }), round, PublicKey));
        Assert.Equal("the receipt is for attempt 2, not 1",
            ReceiptChecks.Check(Signed(_node, Valid() with { Attempt = 2 }), round, PublicKey));
        Assert.StartsWith("the receipt trained from model ",
            ReceiptChecks.Check(Signed(_node, Valid() with { BaseModel = new string('0', 64) }), round, PublicKey), StringComparison.Ordinal);
        Assert.Equal("the receipt claims 0 training samples",
            ReceiptChecks.Check(Signed(_node, Valid() with { Samples = 0 }), round, PublicKey));
        Assert.Equal("the receipt names no valid update blob id",
            ReceiptChecks.Check(Signed(_node, Valid() with { UpdateBlob = "../etc/passwd" }), round, PublicKey));
    }

    public void Dispose()
    {
        _node.Dispose();
        _other.Dispose();
    }
}
