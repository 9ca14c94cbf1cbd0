using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Cuda.Tests;

public sealed class DeviceRequestTests
{
    [Theory]
    [InlineData("auto", DeviceRequestKind.Auto, 0)]
    [InlineData("cpu", DeviceRequestKind.Cpu, 0)]
    [InlineData("CPU", DeviceRequestKind.Cpu, 0)]
    [InlineData("cuda", DeviceRequestKind.Cuda, 0)]
    [InlineData("cuda:3", DeviceRequestKind.Cuda, 3)]
    public void Parses_the_three_kinds(string text, DeviceRequestKind kind, int ordinal)
    {
        Assert.True(DeviceRequest.TryParse(text, out var request, out var error), error);
        Assert.Equal(new DeviceRequest(kind, ordinal), request);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_anything_else_with_a_one_line_reason(string? text)
    {
        Assert.False(DeviceRequest.TryParse(text, out _, out var error));
        Assert.Equal($"--device must be auto|cpu|cuda[:N]; got '{text}'", error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Prints_back_as_it_parses()
    {
        foreach (var text in new[] { "auto", "cpu", "cuda:0", "cuda:2" })
        {
            Assert.True(DeviceRequest.TryParse(text, out var request, out _));
            Assert.Equal(text, request.ToString());
        }
    }
}
