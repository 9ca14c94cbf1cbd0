namespace TrainSwarm.Cuda.Training;

/// <summary>
/// A model trained wholly on the GPU: data and weights go in once, steps are queued without waiting, and the weights come
/// out (in PyTorch's parameter order) when asked: the edges of a round.
/// </summary>
public interface IGpuTrainer : IDisposable
{
    /// <summary>Scalar parameters of the model.</summary>
    long ParameterCount { get; }

    /// <summary>Optimizer steps taken.</summary>
    int Steps { get; }

    /// <summary>Batches of the uploaded set per epoch (a last partial batch is dropped, as the CPU loader does).</summary>
    int BatchesPerEpoch { get; }

    /// <summary>Copies the training set to the device once: <paramref name="images"/> is (samples, features) row-major.</summary>
    void UploadDataset(ReadOnlySpan<float> images, ReadOnlySpan<int> labels);

    /// <summary>Sets the sample order of the coming epoch (a permutation of the uploaded samples).</summary>
    void StartEpoch(ReadOnlySpan<int> order);

    /// <summary>Queues one optimizer step on batch <paramref name="batchIndex"/> of the epoch; returns without waiting for the GPU.</summary>
    void Step(int batchIndex);

    /// <summary>The mean loss of the last step (waits for the GPU: call it only when the number is needed).</summary>
    float LastLoss();

    /// <summary>The parameters copied to the host, one array per tensor in PyTorch's order (waits for the GPU).</summary>
    float[][] DownloadParameters();

    /// <summary>The optimizer state copied to the host in the CPU engine's order (Adam: first moments, then second; SGD: momentum).</summary>
    float[][] DownloadOptimizerState();

    /// <summary>Continues a run after <paramref name="stepsTaken"/> steps: loads its optimizer state (the weights came with the constructor).</summary>
    void Resume(IReadOnlyList<float[]> optimizerState, int stepsTaken);
}
