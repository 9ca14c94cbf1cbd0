using System.Text.Json;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Cli.Tests.Train;

/// <summary>`swarm train --preset gpt-tiny`, `swarm generate` and `swarm bench lm` on the fortunes corpus (test.sh installs fortunes).</summary>
[Collection(nameof(CliSerial))]
public class LmTrainCommandTests
{
    [Fact]
    public async Task Train_gpt_tiny_prints_held_out_loss_per_eval_and_generate_samples_from_the_saved_model()
    {
        var path = Path.Combine(Path.GetTempPath(), $"swarm-gpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            var (code, output) = await CliRunner.Run("train", "--preset", "gpt-tiny", "--steps", "4", "--batch", "2", "--seq-len", "32",
                "--eval-every", "2", "--seed", "3", "--threads", "1", "--out", path);
            Assert.True(code == 0, output);
            Assert.Contains("Training gpt-tiny (1,058,544 parameters: 4 layers, 4 heads, width 144) on fortunes", output);
            Assert.Matches(@"step +0 +held-out loss 5\.\d{4} +perplexity", output);
            Assert.Matches(@"step +2 +train loss \d\.\d{4} +held-out loss \d\.\d{4} +perplexity", output);
            Assert.Matches(@"step +4 +train loss", output);
            var file = SafeTensorsReader.Read(path);
            Assert.Equal("144", file.Metadata["n_embd"]);
            Assert.True(file.Contains("wte.weight") && file.Contains("h.3.mlp.c_proj.bias") && !file.Contains("lm_head.weight"));

            var first = await CliRunner.Run("generate", "--model", path, "--prompt", "The ", "--tokens", "12", "--seed", "5", "--threads", "1");
            var again = await CliRunner.Run("generate", "--model", path, "--prompt", "The ", "--tokens", "12", "--seed", "5", "--threads", "1");
            Assert.Equal(0, first.ExitCode);
            Assert.StartsWith("The ", first.Output.TrimStart());
            Assert.Equal(first.Output, again.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_bpe_tokenizer_trains_on_the_fortunes_and_travels_in_the_saved_file_to_generate()
    {
        var path = Path.Combine(Path.GetTempPath(), $"swarm-gpt-bpe-{Guid.NewGuid():N}.safetensors");
        try
        {
            var (code, output) = await CliRunner.Run("train", "--preset", "gpt-tiny", "--tokenizer", "bpe", "--vocab", "300", "--steps", "2",
                "--batch", "2", "--seq-len", "32", "--eval-every", "2", "--seed", "3", "--threads", "1", "--out", path);
            Assert.True(code == 0, output);
            // 43 more ids than the byte vocabulary, each a 144-wide row of the tied embedding: 1,058,544 + 43 × 144.
            Assert.Contains("Training gpt-tiny (1,064,736 parameters: 4 layers, 4 heads, width 144) on fortunes", output);
            Assert.Contains("(byte-level BPE, 300 ids trained on the training fortunes,", output);
            var file = SafeTensorsReader.Read(path);
            Assert.Equal("bpe", file.Metadata["tokenizer"]);
            Assert.Equal("300", file.Metadata["vocab_size"]);
            Assert.StartsWith("#version: 0.2\n", file.Metadata["bpe_merges"]);

            var first = await CliRunner.Run("generate", "--model", path, "--prompt", "The ", "--tokens", "8", "--seed", "5", "--threads", "1");
            var again = await CliRunner.Run("generate", "--model", path, "--prompt", "The ", "--tokens", "8", "--seed", "5", "--threads", "1");
            Assert.True(first.ExitCode == 0, first.Output);
            Assert.StartsWith("The ", first.Output.TrimStart());
            Assert.Equal(first.Output, again.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Generate_with_a_bpe_tokenizer_but_no_merges_is_a_one_line_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"swarm-gpt-nomerges-{Guid.NewGuid():N}.safetensors");
        try
        {
            var model = new TrainSwarm.Learning.Models.GptModel(new TrainSwarm.Learning.Models.GptConfig(257, 16, 1, 1, 8), seed: 0);
            ModuleWeights.Save(model, path, new Dictionary<string, string>
            {
                ["tokenizer"] = "bpe", ["vocab_size"] = "257", ["block_size"] = "16", ["n_layer"] = "1", ["n_head"] = "1", ["n_embd"] = "8",
            });
            var (code, output) = await CliRunner.Run("generate", "--model", path, "--prompt", "x");
            Assert.Equal(1, code);
            Assert.Contains("tokenizer 'bpe' is not byte, or bpe with its merges in the metadata", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Generate_without_model_metadata_is_a_one_line_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"swarm-notgpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensorsWriter.WriteFile(path, [NamedArray.F32("w", [1f], 1)]);
            var (code, output) = await CliRunner.Run("generate", "--model", path, "--prompt", "x");
            Assert.Equal(1, code);
            Assert.Contains("has no 'vocab_size' in its metadata", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Bench_lm_prints_one_json_line_per_preset()
    {
        var (code, output) = await CliRunner.Run("bench", "lm", "--no-torch", "--presets", "gpt-tiny", "--batch", "1", "--seq-len", "16",
            "--steps", "1", "--warmup", "0", "--threads", "1");
        Assert.True(code == 0, output);
        var line = JsonDocument.Parse(output.Split('\n').Single(l => l.StartsWith('{'))).RootElement;
        Assert.Equal("lm_train_tokens_per_s", line.GetProperty("figure").GetString());
        Assert.Equal(1_058_544, line.GetProperty("parameters").GetInt64());
        Assert.True(line.GetProperty("trainswarm").GetDouble() > 0);
    }
}
