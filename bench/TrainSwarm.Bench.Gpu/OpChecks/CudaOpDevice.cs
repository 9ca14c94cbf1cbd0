using TrainSwarm.Cuda;
using TrainSwarm.Cuda.Ops;
using TrainSwarm.Cuda.Training;

namespace TrainSwarm.Bench.Gpu.OpChecks;

/// <summary>The GPU's answers: <see cref="GpuOps"/> for the layers, the preset trainers (<see cref="GpuTrainers"/>) for whole steps.</summary>
public sealed class CudaOpDevice(CudaContext gpu) : IOpDevice
{
    private readonly GpuOps _ops = new(gpu);

    public string Name => gpu.Gpu.Kind;

    public float[] Gemm(bool transA, bool transB, int m, int n, int k, float[] a, float[] b) => _ops.Gemm(transA, transB, m, n, k, a, b);

    public LayerPass Linear(float[] x, float[] weight, float[] bias, int rows, int inputs, int outputs, bool relu, float[] gradOut) =>
        _ops.Linear(x, weight, bias, rows, inputs, outputs, relu, gradOut);

    public LayerPass Relu(float[] x, float[] gradOut) => _ops.Relu(x, gradOut);

    public LayerPass SoftmaxCrossEntropy(float[] logits, int[] targets, int cols) => _ops.SoftmaxCrossEntropy(logits, targets, cols);

    public LayerPass Conv2d(float[] x, float[] weight, float[] bias, ConvShape shape, bool relu, float[] gradOut) =>
        _ops.Conv2d(x, weight, bias, shape, relu, gradOut);

    public LayerPass MaxPool2(float[] x, int planes, int h, int w, float[] gradOut) => _ops.MaxPool2(x, planes, h, w, gradOut);

    public OptimizerPass OptimizerStep(GpuOptimizerSettings optimizer, int step, float[] weights, float[] gradients, float[] state1, float[] state2) =>
        _ops.OptimizerStep(optimizer, step, weights, gradients, state1, state2);

    public ModelPass TrainSteps(string model, IReadOnlyList<float[]> initial, float[] x, int[] targets, GpuOptimizerSettings optimizer, int steps)
    {
        using var trainer = GpuTrainers.Create(model, gpu, initial, optimizer, targets.Length);
        trainer.UploadDataset(x, targets);
        trainer.StartEpoch([.. Enumerable.Range(0, targets.Length)]);
        var after = new List<float[][]>();
        float loss = float.NaN;
        for (int step = 0; step < steps; step++)
        {
            trainer.Step(0);
            if (step == 0) loss = trainer.LastLoss();
            after.Add(trainer.DownloadParameters());
        }
        return new ModelPass(loss, after);
    }
}
