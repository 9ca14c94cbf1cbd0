using System.Diagnostics;
using TrainSwarm.Cuda;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Daemons.Devices;

/// <summary>
/// A round's inner loop on one GPU (the CUDA backend's mlp and cnn trainers), with <see cref="RoundTrainer"/>'s contract: the same
/// batches in the same order (the shard's seeded <see cref="MiniBatchLoader"/>, epoch after epoch), the same commit schedule and the
/// same commitments (weights and optimizer state copied back into a CPU model and hashed by <see cref="CommitmentLog"/>, so a
/// checkpoint has the CPU engine's layout). The weights differ from the CPU's in the last bits, so a commitment made here is replayed
/// bitwise only on a GPU of the same kind (<see cref="GpuInfo.Kind"/>).
/// </summary>
/// <remarks>
/// One CUDA context serves every round and replay of an instance (made on first use: NVRTC's compile of the kernels, cuBLAS's handle and
/// the caching allocator's blocks are paid once, not per segment), so a validator keeps one instance for its whole process. Calls from
/// several threads take turns: the context has one stream and is made current on the calling thread first.
/// </remarks>
public sealed class GpuRoundTrainer(GpuInfo gpu) : IDisposable
{
    private readonly Lock _lock = new();
    private CudaContext? _context;
    private bool _disposed;

    /// <summary>The GPU this trainer runs on.</summary>
    public GpuInfo Gpu { get; } = gpu;

    /// <summary>CUDA contexts made so far: 1 after any number of rounds and replays, unless a CUDA error dropped one (the next call makes another).</summary>
    public int ContextsCreated { get; private set; }

    /// <summary>Why <paramref name="spec"/> on <paramref name="shard"/> has no GPU path yet (the node trains it on the CPU), or null.</summary>
    public static string? Unsupported(RoundTrainingSpec spec, LabeledImages shard)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(shard);
        if (spec.Layers is not null)
            return "a layer-list model has no CUDA path yet";
        if (!GpuTrainers.Supports(spec.Model, spec.Optimizer))
            return $"the CUDA backend trains {string.Join(" and ", GpuTrainers.Models)} with {string.Join(" or ", GpuTrainers.Optimizers)}, " +
                $"not {spec.Model} with {spec.Optimizer}";
        // The GPU's SGD keeps a momentum buffer the CPU engine does not have without momentum, so the checkpoints would differ.
        if (spec.Optimizer == "sgd" && spec.Momentum == 0)
            return "sgd without momentum has no CUDA path yet";
        if (shard.SampleSize != 784)
            return $"the CUDA presets take 1x28x28 images, not {shard.Channels}x{shard.Height}x{shard.Width}";
        if (shard.Classes != ModelPresets.DefaultClasses)
            return $"the CUDA presets end in {ModelPresets.DefaultClasses} outputs, not {shard.Classes}";
        return null;
    }

    /// <summary>
    /// Trains <paramref name="spec"/>.InnerSteps steps from <paramref name="baseWeights"/> (safetensors bytes) on <paramref name="shard"/>,
    /// as <see cref="RoundTrainer.Train"/> does on the CPU: the result holds the weights, delta, loss curve, commitments and checkpoints.
    /// </summary>
    public RoundTrainingResult Train(byte[] baseWeights, RoundTrainingSpec spec, LabeledImages shard, ulong seed,
        Action<RoundStep>? onStep = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(baseWeights);
        Check(spec, shard);
        var (model, optimizer) = Build(spec);
        ModuleWeights.Import(model, SafeTensorsReader.Read(baseWeights));
        var before = ModuleWeights.Export(model);
        int batch = Math.Min(spec.BatchSize, shard.Count);
        var losses = new float[spec.InnerSteps];
        var log = new CommitmentLog(spec.CommitEvery, spec.InnerSteps, replay: false);
        var clock = Stopwatch.StartNew();
        Run(model, optimizer, spec, shard, seed, 0, spec.InnerSteps, log, (step, loss) =>
        {
            losses[step - 1] = loss;
            onStep?.Invoke(new RoundStep(step, spec.InnerSteps, loss, (long)step * batch, clock.Elapsed));
        }, cancellation);
        clock.Stop();
        var after = ModuleWeights.Export(model);
        return new RoundTrainingResult(after, DeltaCodec.Difference(after, before), losses, spec.InnerSteps, batch,
            (long)spec.InnerSteps * batch, clock.Elapsed.TotalSeconds, log.Commitments, log.Checkpoints);
    }

    /// <summary>
    /// A validator's replay of steps <paramref name="fromStep"/>+1 … <paramref name="stopAfter"/> from <paramref name="start"/> (the base
    /// model at step 0, else the committed checkpoint), as <see cref="RoundReplayer.Replay"/> does on the CPU; returns the commitments.
    /// </summary>
    public IReadOnlyList<WeightCommitment> Replay(SafeTensorsFile start, int fromStep, RoundTrainingSpec spec, LabeledImages shard, ulong seed,
        int stopAfter, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        Check(spec, shard);
        ArgumentOutOfRangeException.ThrowIfNegative(fromStep);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stopAfter, fromStep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stopAfter, spec.InnerSteps);
        var (model, optimizer) = Build(spec);
        if (fromStep == 0)
            ModuleWeights.Import(model, start);
        else
            RoundCheckpoint.Load(start, model, optimizer, fromStep);
        var log = new CommitmentLog(spec.CommitEvery, spec.InnerSteps, replay: true);
        Run(model, optimizer, spec, shard, seed, fromStep, stopAfter, log, null, cancellation);
        return log.Commitments;
    }

    private static void Check(RoundTrainingSpec spec, LabeledImages shard)
    {
        if (Unsupported(spec, shard) is { } reason)
            throw new ArgumentException($"no GPU path: {reason}", nameof(spec));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.InnerSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.CommitEvery);
        if (shard.Count == 0)
            throw new ArgumentException("the shard holds no samples", nameof(shard));
    }

    // A CPU model and optimizer of the spec: the initial state goes up from them, and every commitment comes back into them to be hashed.
    private static (Module, Optimizer) Build(RoundTrainingSpec spec)
    {
        var model = ModelBuilder.Build(spec.Model, spec.Layers, 0);
        return (model, RoundTrainer.CreateOptimizer(spec, model.Parameters()));
    }

    /// <summary>Trains steps <paramref name="fromStep"/>+1 … <paramref name="toStep"/> on the GPU from the model's and optimizer's state.</summary>
    private void Run(Module model, Optimizer optimizer, RoundTrainingSpec spec, LabeledImages shard, ulong seed, int fromStep, int toStep,
        CommitmentLog log, Action<int, float>? onStep, CancellationToken cancellation)
    {
        int batch = Math.Min(spec.BatchSize, shard.Count);
        var loader = new MiniBatchLoader(shard, batch, seed);
        var parameters = model.Parameters();
        var lr = (float)spec.LearningRate;
        var settings = spec.Optimizer == "adam" ? GpuOptimizerSettings.Adam(lr) : GpuOptimizerSettings.Sgd(lr, (float)spec.Momentum);
        lock (_lock)
        {
            var context = Context();
            try
            {
                using var trainer = GpuTrainers.Create(spec.Model, context, [.. parameters.Select(p => p.Span.ToArray())], settings, batch);
                Steps(trainer, loader, model, optimizer, spec, shard, fromStep, toStep, log, onStep, cancellation);
            }
            catch (CudaException)
            {
                // A failed launch can leave the context unusable (CUDA's errors are sticky): the next call starts a fresh one.
                Drop();
                throw;
            }
        }
    }

    // The context of this instance, made on first use and made current on this thread after that.
    private CudaContext Context()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_context is null)
        {
            _context = new CudaContext(Gpu);
            ContextsCreated++;
        }
        else
        {
            _context.MakeCurrent();
        }
        return _context;
    }

    private void Drop()
    {
        try
        {
            _context?.MakeCurrent();
            _context?.Dispose();
        }
        catch (CudaException)
        {
            // Already broken: what matters is that it is not used again.
        }
        _context = null;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            // Freeing the context's memory needs it current on this thread, which may not be the one that made it.
            _context?.MakeCurrent();
            _context?.Dispose();
            _context = null;
        }
    }

    private static void Steps(IGpuTrainer trainer, MiniBatchLoader loader, Module model, Optimizer optimizer, RoundTrainingSpec spec,
        LabeledImages shard, int fromStep, int toStep, CommitmentLog log, Action<int, float>? onStep, CancellationToken cancellation)
    {
        var parameters = model.Parameters();
        if (fromStep > 0)
            trainer.Resume([.. optimizer.State.Select(s => s.Span.ToArray())], fromStep);
        trainer.UploadDataset(shard.Pixels, shard.Labels);
        // Step s (1-based) trains batch (s-1) mod B of epoch (s-1) div B, B full batches per epoch: the CPU loader's stream, where
        // a run that outlasts an epoch draws the next epoch's shuffle from the same generator.
        var order = new int[shard.Count];
        int perEpoch = loader.BatchesPerEpoch, epoch = -1;
        for (int step = fromStep + 1; step <= toStep; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            int wanted = (step - 1) / perEpoch;
            if (epoch < wanted)
            {
                for (; epoch < wanted; epoch++)
                    loader.TakeEpochOrder(order);
                trainer.StartEpoch(order);
            }
            trainer.Step((step - 1) % perEpoch);
            // The loss is read (a wait for the GPU) only when the caller records it: a replay needs only the commitments.
            float loss = onStep is null ? 0 : trainer.LastLoss();
            if (CommitmentLog.IsDue(spec.CommitEvery, spec.InnerSteps, step))
            {
                CopyBack(trainer, parameters, optimizer);
                log.After(step, model, optimizer);
            }
            onStep?.Invoke(step, loss);
        }
        CopyBack(trainer, parameters, optimizer);
    }

    private static void CopyBack(IGpuTrainer trainer, IReadOnlyList<Tensor> parameters, Optimizer optimizer)
    {
        var weights = trainer.DownloadParameters();
        for (int i = 0; i < parameters.Count; i++)
            weights[i].CopyTo(parameters[i].Span);
        var state = trainer.DownloadOptimizerState();
        var target = optimizer.State;
        for (int i = 0; i < target.Count; i++)
            state[i].CopyTo(target[i].Span);
    }
}
