using TrainSwarm.Learning.Models;

namespace TrainSwarm.Learning.Tests;

public class FlopCounterTests
{
    private static readonly int[] Image = [1, 28, 28];

    [Fact]
    public void The_mlp_preset_counts_by_hand()
    {
        // Linear(784,128): 2·784·128 + 128 = 200832; ReLU over 128: 128; Linear(128,10): 2·128·10 + 10 = 2570.
        var count = FlopCounter.Count("mlp", null, Image);
        Assert.Equal(200_832 + 128 + 2_570, count.Forward);
        Assert.Equal(203_530, count.Forward);
        // Linear and conv: forward + 2 × forward; elementwise: forward + 1 × forward.
        Assert.Equal(3 * 200_832 + 2 * 128 + 3 * 2_570, count.Training);
        Assert.Equal(610_462, count.Training);
    }

    [Fact]
    public void A_preset_and_its_layer_list_count_the_same()
    {
        Assert.Equal(FlopCounter.Count("mlp", null, Image), FlopCounter.Count("", ["flatten", "linear(784,128)", "relu", "linear(128,10)"], Image));
        Assert.Equal(FlopCounter.Count("cnn", null, Image), FlopCounter.Count("ignored", FlopCounter.LayersOf("cnn"), Image));
    }

    [Fact]
    public void One_conv_layer_counts_by_hand()
    {
        // conv2d(1,8,3,stride 1,padding 1) keeps 28×28: 8·28·28 = 6272 outputs × (2·1·3·3 + 1) = 119168.
        var conv = FlopCounter.Count("", ["conv2d(1,8,3,1,1)"], Image);
        Assert.Equal(119_168, conv.Forward);
        Assert.Equal(3 * 119_168, conv.Training);

        // Stride 2, no padding: (28 − 5) / 2 + 1 = 12, so 4·12·12 = 576 outputs × (2·25 + 1) = 29376.
        Assert.Equal(29_376, FlopCounter.Count("", ["conv2d(1,4,5,2)"], Image).Forward);

        // Then flatten (free) and linear(6272,10): 10 × (2·6272 + 1) = 125450.
        var model = FlopCounter.Count("", ["conv2d(1,8,3,1,1)", "flatten", "linear(6272,10)"], Image);
        Assert.Equal(119_168 + 125_450, model.Forward);
        Assert.Equal(3 * (119_168 + 125_450), model.Training);
    }

    [Fact]
    public void The_cnn_preset_counts_by_hand()
    {
        long conv1 = 32 * 26 * 26 * 19, relu1 = 32 * 26 * 26, pool1 = 32 * 13 * 13 * 3;
        long conv2 = 64 * 11 * 11 * 577, relu2 = 64 * 11 * 11, pool2 = 64 * 5 * 5 * 3;
        long fc1 = 128 * (2 * 1600 + 1), relu3 = 128, fc2 = 10 * (2 * 128 + 1);
        var count = FlopCounter.Count("cnn", null, Image);
        Assert.Equal(5_342_122, count.Forward);
        Assert.Equal(conv1 + relu1 + pool1 + conv2 + relu2 + pool2 + fc1 + relu3 + fc2, count.Forward);
        Assert.Equal(3 * (conv1 + conv2 + fc1 + fc2) + 2 * (relu1 + pool1 + relu2 + pool2 + relu3), count.Training);
        Assert.Equal(15_975_838, count.Training);
    }

    [Theory]
    [InlineData("linear(100,10)")]
    [InlineData("conv2d(3,8,3)")]
    [InlineData("softmax")]
    public void Layers_that_do_not_fit_are_refused(string layer) =>
        Assert.Throws<FormatException>(() => FlopCounter.Count("", [layer], Image));
}
