using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Data;

/// <summary>
/// Shuffled mini-batches of a <see cref="LabeledImages"/>, copied into buffers the caller owns, without managed
/// allocation per batch (it runs in the training hot loop). Like PyTorch's
/// <c>for i in range(0, n - batch + 1, batch)</c>, an incomplete last batch is dropped.
/// </summary>
/// <remarks>
/// One <see cref="Rng"/> per loader, seeded once: epoch e's permutation is a Fisher-Yates shuffle of the
/// identity drawn from the stream right after epoch e-1's, so (data, batch size, seed) fixes every batch of
/// every epoch, which is what a receipt replay needs.
/// </remarks>
public sealed class MiniBatchLoader
{
    private readonly LabeledImages _data;
    private readonly Rng _rng;
    private readonly int[] _order;
    private readonly bool _shuffle;
    private int _next = -1;

    /// <summary>Creates a loader; call <see cref="StartEpoch"/> before the first <see cref="TryNext"/>.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="seed">Seeds the shuffling stream.</param>
    /// <param name="maxBatches">At most this many batches per epoch (null: all full batches).</param>
    /// <param name="shuffle">False keeps the data order (evaluation, debugging).</param>
    public MiniBatchLoader(LabeledImages data, int batchSize, ulong seed, int? maxBatches = null, bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (maxBatches is < 0) throw new ArgumentOutOfRangeException(nameof(maxBatches), "must not be negative");
        _data = data;
        _rng = new Rng(seed);
        _order = new int[data.Count];
        _shuffle = shuffle;
        BatchSize = batchSize;
        BatchesPerEpoch = Math.Min(data.Count / batchSize, maxBatches ?? int.MaxValue);
    }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Batches each epoch yields: full batches only, capped by the maxBatches limit.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The number of epochs started so far (1 during the first).</summary>
    public int Epoch { get; private set; }

    /// <summary>Batches already returned in this epoch.</summary>
    public int BatchIndex => _next < 0 ? 0 : _next;

    /// <summary>The sample indices of the batch <see cref="TryNext"/> returned last.</summary>
    public ReadOnlySpan<int> CurrentIndices =>
        _next <= 0 ? [] : _order.AsSpan((_next - 1) * BatchSize, BatchSize);

    /// <summary>
    /// Starts the next epoch and copies its whole order (a permutation of the samples) into <paramref name="order"/>,
    /// leaving the loader at the epoch's end as if every batch had been taken: a GPU that gathers its batches itself
    /// then trains exactly the batches <see cref="TryNext"/> would have returned, in the same order.
    /// </summary>
    public void TakeEpochOrder(Span<int> order)
    {
        if (order.Length != _order.Length) throw new ArgumentException($"the order needs {_order.Length} slots, got {order.Length}", nameof(order));
        StartEpoch();
        _order.CopyTo(order);
        _next = BatchesPerEpoch;
    }

    /// <summary>Draws this epoch's order from the stream and rewinds to its first batch.</summary>
    public void StartEpoch()
    {
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (_shuffle) _rng.Shuffle(_order.AsSpan());
        _next = 0;
        Epoch++;
    }

    /// <summary>
    /// Copies the next batch into <paramref name="pixels"/> (BatchSize × C × H × W floats) and
    /// <paramref name="labels"/> (BatchSize ints); false when the epoch is over.
    /// </summary>
    public bool TryNext(Span<float> pixels, Span<int> labels)
    {
        if (_next < 0) throw new InvalidOperationException("call StartEpoch before TryNext");
        int sampleSize = _data.SampleSize;
        if (pixels.Length != BatchSize * sampleSize)
        {
            throw new ArgumentException($"pixels holds {pixels.Length} floats, a batch is {BatchSize}x{sampleSize}", nameof(pixels));
        }
        if (labels.Length != BatchSize)
        {
            throw new ArgumentException($"labels holds {labels.Length} ints, a batch is {BatchSize}", nameof(labels));
        }
        if (_next >= BatchesPerEpoch) return false;

        ReadOnlySpan<int> indices = _order.AsSpan(_next * BatchSize, BatchSize);
        ReadOnlySpan<float> source = _data.Pixels;
        int[] allLabels = _data.Labels;
        for (int i = 0; i < indices.Length; i++)
        {
            int s = indices[i];
            source.Slice(s * sampleSize, sampleSize).CopyTo(pixels.Slice(i * sampleSize, sampleSize));
            labels[i] = allLabels[s];
        }
        _next++;
        return true;
    }

    /// <summary>
    /// Moves past the next batch without copying it; false when the epoch is over. The stream is the one
    /// <see cref="TryNext"/> walks, so a replay resuming at step k skips k batches and sees exactly the batches the run saw.
    /// </summary>
    public bool TrySkip()
    {
        if (_next < 0) throw new InvalidOperationException("call StartEpoch before TrySkip");
        if (_next >= BatchesPerEpoch) return false;
        _next++;
        return true;
    }
}
