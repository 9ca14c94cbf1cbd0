using System.Text.Json;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Cli.Tests.Train;

[Collection(nameof(CliSerial))]
public class TrainCommandTests
{
    [Fact]
    public async Task Train_reports_accuracy_and_saves_loadable_weights()
    {
        var path = Path.Combine(Path.GetTempPath(), $"swarm-train-{Guid.NewGuid():N}.safetensors");
        try
        {
            var (code, output) = await CliRunner.Run("train", "--model", "mlp", "--limit", "3200", "--threads", "1", "--seed", "4", "--out", path);
            Assert.Equal(0, code);
            Assert.Contains("Training mlp (101,770 parameters) on 3,200 samples", output);
            Assert.Matches(@"Test accuracy: \d+\.\d+ % on 10,000 samples", output);
            Assert.Contains($"Saved weights to {path}", output);
            var file = SafeTensorsReader.Read(path);
            Assert.Equal("mlp", file.Metadata["model"]);
            ModuleWeights.Import(ModelPresets.Create("mlp", 0UL), file);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--model", "resnet")]
    [InlineData("--epochs", "0")]
    [InlineData("--batch", "-3")]
    [InlineData("--lr", "0")]
    [InlineData("--optimizer", "lbfgs")]
    [InlineData("--no-such-flag", "1")]
    public async Task Bad_usage_is_a_one_line_error_with_exit_code_2(string option, string value)
    {
        var (code, output) = await CliRunner.Run("train", option, value);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", output.TrimStart());
        Assert.DoesNotContain("   at ", output); // no stack trace
        Assert.DoesNotContain("Training", output);
    }

    [Fact]
    public async Task A_missing_dataset_directory_is_a_clear_failure()
    {
        var (code, output) = await CliRunner.Run("train", "--data-dir", "/nonexistent/fmnist");
        Assert.Equal(1, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error:", line);
        Assert.Contains("/nonexistent/fmnist", line);
    }

    [Fact]
    public async Task The_named_dataset_is_the_one_looked_for()
    {
        // Fashion-MNIST is installed here; --dataset mnist must look for MNIST's files, not train on Fashion-MNIST's.
        var empty = Directory.CreateTempSubdirectory("swarm-train-mnist-").FullName;
        try
        {
            var (code, output) = await CliRunner.Run("train", "--dataset", "mnist", "--data-dir", empty, "--threads", "1");
            Assert.Equal(1, code);
            var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: dataset 'mnist'", line, StringComparison.Ordinal);
            Assert.Contains(empty, line, StringComparison.Ordinal);
            Assert.DoesNotContain("Training", output);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public async Task Bench_engine_prints_one_json_line_with_the_anchor_keys()
    {
        var (code, output) = await CliRunner.Run("bench", "engine", "--model", "mlp", "--limit", "6400", "--threads", "1");
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal("mlp", json.GetProperty("model").GetString());
        Assert.Equal(64, json.GetProperty("batch").GetInt32());
        Assert.True(json.GetProperty("train_samples_per_s").GetDouble() > 0);
        Assert.InRange(json.GetProperty("test_acc").GetDouble(), 0.5, 1.0);
        Assert.Equal("openblas", json.GetProperty("blas").GetString());
        Assert.True(json.GetProperty("alloc_bytes_per_step").GetInt64() >= 0);
    }
}

/// <summary>Commands set the process-wide engine thread count, so these tests run one at a time.</summary>
[CollectionDefinition(nameof(CliSerial), DisableParallelization = true)]
public class CliSerial;
