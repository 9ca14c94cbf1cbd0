using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Nn.Serialization;
using static TrainSwarm.Validator.Tests.Synthetic;

namespace TrainSwarm.Validator.Tests;

public class WeightConversionTests
{
    [Fact]
    public void Tensors_read_from_safetensors_are_aligned_to_the_models_order()
    {
        // The writer sorts by name, so 1.bias comes back before 1.weight; a DiLoCo state must still fit the model.
        var model = WeightConversion.FromNamedArrays(BaseWeights());
        var read = WeightConversion.FromNamedArrays(SafeTensorsReader.Read(SafeTensorsWriter.ToBytes(WeightConversion.ToNamedArrays(model))).Tensors);
        Assert.Equal(["1.bias", "1.weight"], read.Select(t => t.Name));
        var aligned = WeightConversion.AlignTo(model, read);
        Assert.True(WeightSet.SameLayout(model, aligned));
    }

    [Fact]
    public void Alignment_keeps_missing_and_extra_tensors_visible_to_the_checks()
    {
        var model = WeightConversion.FromNamedArrays(BaseWeights());
        List<WeightTensor> update = [new("2.weight", [1], [0]), new("1.weight", [2, 4], new float[8])];
        var aligned = WeightConversion.AlignTo(model, update);
        Assert.Equal(["1.weight", "2.weight"], aligned.Select(t => t.Name));
        Assert.Equal("missing tensor 1.bias", UpdateChecks.CheckStructure(aligned, model));
    }

    [Fact]
    public void An_encoded_update_missing_a_tensor_is_rejected_by_name()
    {
        var scorer = UpdateScorer.Create(Spec, BaseModel(), Images(50));
        var verdict = Assert.Single(scorer.Score([Candidate("a", [Filled(0.01f)[0]])])).Verdict;
        Assert.Equal("missing tensor 1.bias", verdict.Reason);
    }
}
