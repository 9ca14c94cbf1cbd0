using TrainSwarm.Daemons;

namespace TrainSwarm.Node.Tests;

/// <summary>Which local dataset a node trains for a round, what it registers, and how many local steps it takes.</summary>
public sealed class DatasetResolutionTests
{
    private static readonly Dictionary<string, string> NoMappings = new(StringComparer.Ordinal);

    // What a node with a path for "mnist" (and the catalog's fashion-mnist) can load.
    private static bool CanLoad(string name) => name is "fashion-mnist" or "mnist";

    [Fact]
    public void An_uploaded_dataset_is_trained_by_a_node_serving_uploaded_and_by_no_other()
    {
        const string id = "ds0123456789abcdef0123456789abcdef";
        var choice = DatasetResolution.Resolve(id, ["fashion-mnist", "uploaded"], NoMappings, CanLoad);
        Assert.Equal(new DatasetChoice(id, id, null), choice);
        var refused = DatasetResolution.Resolve(id, ["fashion-mnist"], NoMappings, CanLoad);
        Assert.Equal(new DatasetChoice(id, null, $"dataset '{id}' is an upload, and this node does not serve 'uploaded'"), refused);
    }

    [Fact]
    public void A_served_loadable_dataset_is_trained_as_itself()
    {
        var choice = DatasetResolution.Resolve("fashion-mnist", ["fashion-mnist"], NoMappings, CanLoad);
        Assert.Equal(new DatasetChoice("fashion-mnist", "fashion-mnist", null), choice);
        Assert.True(choice.Trainable);
        Assert.False(choice.Mapped);
    }

    [Fact]
    public void A_mapped_request_trains_the_local_dataset()
    {
        var choice = DatasetResolution.Resolve("fashion-mnist", ["mnist"], new Dictionary<string, string> { ["fashion-mnist"] = "mnist" }, CanLoad);
        Assert.Equal(new DatasetChoice("fashion-mnist", "mnist", null), choice);
        Assert.True(choice.Mapped);
    }

    [Fact]
    public void A_served_name_wins_over_a_mapping_of_it()
    {
        var choice = DatasetResolution.Resolve("fashion-mnist", ["fashion-mnist"], new Dictionary<string, string> { ["fashion-mnist"] = "mnist" }, CanLoad);
        Assert.Equal("fashion-mnist", choice.Local);
    }

    [Fact]
    public void A_dataset_neither_served_nor_mapped_is_passed_over_with_the_served_list()
    {
        var choice = DatasetResolution.Resolve("fashion-mnist", ["mnist", "kmnist"], NoMappings, CanLoad);
        Assert.Null(choice.Local);
        Assert.Equal("dataset 'fashion-mnist' is not one this node serves (mnist, kmnist)", choice.Reason);
    }

    [Fact]
    public void A_mapping_to_a_dataset_the_node_cannot_load_is_passed_over()
    {
        var choice = DatasetResolution.Resolve("cifar10", ["mnist"], new Dictionary<string, string> { ["cifar10"] = "svhn" }, CanLoad);
        Assert.False(choice.Trainable);
        Assert.Equal("dataset 'cifar10' is mapped to 'svhn', which this node cannot load (give 'svhn' a path)", choice.Reason);
    }

    [Fact]
    public void A_served_dataset_without_a_loader_is_passed_over()
    {
        var choice = DatasetResolution.Resolve("kmnist", ["kmnist"], NoMappings, CanLoad);
        Assert.Equal("this node has no loader for dataset 'kmnist' (give it a path)", choice.Reason);
    }

    [Fact]
    public void Registration_lists_served_names_then_usable_mapped_names()
    {
        var mappings = new Dictionary<string, string> { ["fashion-mnist"] = "mnist", ["cifar10"] = "svhn", ["emnist"] = "mnist", ["mnist"] = "mnist" };
        Assert.Equal(["mnist", "emnist", "fashion-mnist"], DatasetResolution.Registered(["mnist"], mappings, CanLoad));
    }

    [Theory]
    [InlineData(100, 1, null, 100)]
    [InlineData(100, 3, null, 300)]
    [InlineData(100, 3, 20, 20)]
    [InlineData(10, 1, 50, 10)]
    [InlineData(7, 2, 14, 14)]
    public void Local_steps_are_H_times_epochs_capped_by_max_batches(int h, int epochs, int? maxBatches, int expected) =>
        Assert.Equal(expected, RoundTrainingSpecs.LocalSteps(h, epochs, maxBatches));

    [Fact]
    public void Local_steps_refuse_a_zero_cap() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RoundTrainingSpecs.LocalSteps(10, 1, 0));
}
