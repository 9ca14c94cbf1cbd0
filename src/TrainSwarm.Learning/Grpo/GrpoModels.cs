using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;

namespace TrainSwarm.Learning.Grpo;

/// <summary>The GPT sizes a grpo job can name: the arithmetic preset's small model, or an lm preset.</summary>
public static class GrpoModels
{
    /// <summary>The <c>grpo-tiny</c> preset's name.</summary>
    public const string GrpoTinyName = "grpo-tiny";

    /// <summary>2 layers, 4 heads, width 64, context 32 over the byte vocabulary (118,592 parameters): `swarm train --preset grpo`'s model.</summary>
    public static GptConfig GrpoTiny { get; } = new(ByteTokenizer.VocabSize, BlockSize: 32, Layers: 2, Heads: 4, Channels: 64);

    /// <summary>Preset names with their sizes.</summary>
    public static IReadOnlyList<string> Names { get; } = [GrpoTinyName, .. GptConfig.PresetNames];

    /// <summary>The sizes of preset <paramref name="name"/>.</summary>
    public static GptConfig Config(string name) => name == GrpoTinyName ? GrpoTiny : GptConfig.Preset(name, ByteTokenizer.VocabSize);
}
