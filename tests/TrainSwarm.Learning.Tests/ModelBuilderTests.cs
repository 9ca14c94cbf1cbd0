using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Tests;

public class ModelBuilderTests
{
    [Fact]
    public void A_layer_list_builds_with_state_dict_names_and_shapes()
    {
        var model = ModelBuilder.Build("", ["flatten", "Linear( 784, 64 )", "relu", "linear(64,10)"], 1);
        var parameters = model.NamedParameters().Select(p => (p.Name, Shape: string.Join("x", p.Value.Shape.ToArray()))).ToList();
        Assert.Equal([("1.weight", "64x784"), ("1.bias", "64"), ("3.weight", "10x64"), ("3.bias", "10")], parameters);
    }

    [Fact]
    public void Every_layer_of_the_grammar_parses()
    {
        var model = ModelBuilder.Build(
            "", ["conv2d(1,4,3,1,1)", "tanh", "maxpool2d(2,2)", "conv2d(4,8,3,2)", "relu", "conv2d(8,8,1)", "maxpool2d(2)", "flatten", "linear(8,2)"], 2);
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "5.weight", "5.bias", "8.weight", "8.bias"], model.NamedParameters().Select(p => p.Name));
    }

    [Theory]
    [InlineData("mlp", new[] { "flatten", "linear(784,128)", "relu", "linear(128,10)" })]
    [InlineData("cnn", new[]
    {
        "conv2d(1,32,3)", "relu", "maxpool2d(2)", "conv2d(32,64,3)", "relu", "maxpool2d(2)", "flatten", "linear(1600,128)", "relu",
        "linear(128,10)",
    })]
    [InlineData("cnn-rgb32", new[]
    {
        "conv2d(3,32,3)", "relu", "maxpool2d(2)", "conv2d(32,64,3)", "relu", "maxpool2d(2)", "flatten", "linear(2304,128)", "relu",
        "linear(128,10)",
    })]
    public void A_layer_list_equal_to_a_preset_gives_the_same_weights_for_the_same_seed(string preset, string[] layers)
    {
        Assert.Equal(ModuleWeights.ToBytes(ModelBuilder.Build(preset, null, 17)), ModuleWeights.ToBytes(ModelBuilder.Build("ignored", layers, 17)));
        Assert.NotEqual(ModuleWeights.ToBytes(ModelBuilder.Build(preset, null, 17)), ModuleWeights.ToBytes(ModelBuilder.Build("ignored", layers, 18)));
    }

    [Fact]
    public void The_rgb_cnn_fits_cifar_shaped_inputs_and_refuses_mnist_shaped_ones()
    {
        var model = ModelBuilder.Build("cnn-rgb32", null, 3);
        ModelBuilder.CheckFits(model, [.. ModelPresets.InputShape("cnn-rgb32")], 10);
        ModelBuilder.CheckFits(model, [3, 32, 32], 10);
        Assert.Throws<FormatException>(() => ModelBuilder.CheckFits(model, [1, 28, 28], 10));
        // Conv 3→32 (3×3), conv 32→64 (3×3), linear 2304→128, linear 128→10, each with its bias.
        Assert.Equal(896 + 18_496 + 295_040 + 1_290, model.NamedParameters().Sum(p => p.Value.Shape.ToArray().Aggregate(1L, (a, d) => a * d)));
    }

    [Theory]
    [InlineData("linear(4)")]
    [InlineData("linear(4,x)")]
    [InlineData("linear(4,2")]
    [InlineData("linear(0,2)")]
    [InlineData("linear(-1,2)")]
    [InlineData("linear(4,70000)")]
    [InlineData("softmax")]
    [InlineData("conv2d(1,0,3)")]
    [InlineData("maxpool2d")]
    public void A_bad_layer_is_a_format_error_naming_it(string bad)
    {
        var e = Assert.Throws<FormatException>(() => ModelBuilder.Build("", ["flatten", bad, "relu"], 0));
        Assert.StartsWith($"layer 1 '{bad}':", e.Message);
        Assert.Throws<FormatException>(() => ModelBuilder.Validate(["flatten", bad]));
    }

    [Fact]
    public void A_padding_of_zero_is_allowed_and_an_unknown_preset_is_refused()
    {
        ModelBuilder.Validate(["conv2d(1,4,3,1,0)"]);
        Assert.Throws<ArgumentException>(() => ModelBuilder.Build("resnet", null, 0));
    }
}
