using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Protocol.Tests;

/// <summary>
/// The device fields are optional, as the spec's <c>kind</c> is: a receipt, verdict or registration without one serializes to exactly
/// the bytes it had before the field existed, so the signatures over stored receipts and results still verify.
/// </summary>
public sealed class DeviceFieldTests
{
    // A receipt as a node signed it before receipts named their device (field order and names as then).
    private const string OldReceipt =
        "{\"jobId\":\"job-1\",\"roundId\":\"job-1-r0\",\"attempt\":0,\"node\":\"ts1ab\",\"baseModel\":\"aa\",\"shardIndex\":1," +
        "\"shardCount\":3,\"seed\":7,\"steps\":2,\"samples\":64,\"lossCurve\":[2.5,2.25],\"computeSeconds\":0.5," +
        "\"commitments\":[{\"step\":2,\"sha256\":\"bb\",\"state\":\"cc\"}],\"updateBlob\":\"dd\",\"encoding\":\"f32\"," +
        "\"datasetUsed\":\"fashion-mnist\"}";

    [Fact]
    public void A_receipt_without_a_device_keeps_its_old_bytes()
    {
        var receipt = SwarmJson.Deserialize<TrainingReceipt>(OldReceipt);
        Assert.Null(receipt.Device);
        Assert.Equal(OldReceipt, SwarmJson.Serialize(receipt));
    }

    [Fact]
    public void A_receipt_with_a_device_carries_it_last()
    {
        var receipt = SwarmJson.Deserialize<TrainingReceipt>(OldReceipt) with { Device = "NVIDIA H100 80GB HBM3 sm_90" };
        var json = SwarmJson.Serialize(receipt);
        Assert.Equal(OldReceipt[..^1] + ",\"device\":\"NVIDIA H100 80GB HBM3 sm_90\"}", json);
        Assert.Equal(receipt.Device, SwarmJson.Deserialize<TrainingReceipt>(json).Device);
    }

    [Fact]
    public void Hardware_and_verdicts_without_the_new_fields_keep_their_old_bytes()
    {
        Assert.Equal("""{"cores":4,"memoryBytes":1024,"os":"Linux","cpu":"x"}""", SwarmJson.Serialize(new Hardware(4, 1024, "Linux", "x")));
        var gpu = new Hardware(4, 1024, "Linux", "x", new GpuHardware("NVIDIA H100 80GB HBM3", 85_520_809_984, "NVIDIA H100 80GB HBM3 sm_90", 950_400.5),
            "NVIDIA H100 80GB HBM3 sm_90");
        Assert.Equal(gpu, SwarmJson.Deserialize<Hardware>(SwarmJson.Serialize(gpu)));
        var verdict = new UpdateVerdict("ts1ab", "dd", true, null, 64, 2, 1.5, 2.3, 0.1, 2.2, 0.2, 1.0);
        Assert.DoesNotContain("replaySkipped", SwarmJson.Serialize(verdict), StringComparison.Ordinal);
        Assert.Contains("\"replaySkipped\":\"not replayed\"", SwarmJson.Serialize(verdict with { ReplaySkipped = "not replayed" }), StringComparison.Ordinal);
    }
}
