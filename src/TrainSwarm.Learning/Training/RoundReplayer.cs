using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// A validator's replays of committed segments, one after another, on one model, optimizer and set of buffers. Every
/// segment overwrites all of the training state (weights from its start, optimizer state from its checkpoint or zeros)
/// before it trains, so what a segment replays never depends on the one before; only the memory is reused. Built per
/// segment, the replay's fixed part (a randomly initialized model that the start weights overwrite at once, fresh
/// optimizer and batch buffers, and ~1 MB of export copies per commitment) cost about a third of a 4-step segment's steps.
/// </summary>
/// <remarks>Thread-safe: replays on one instance run one at a time.</remarks>
public sealed class RoundReplayer
{
    private readonly Lock _lock = new();
    private Kit? _kit;

    /// <summary>
    /// Replays steps <paramref name="fromStep"/>+1 … <paramref name="stopAfter"/> from <paramref name="start"/>: the base model
    /// when <paramref name="fromStep"/> is 0 and otherwise the <see cref="RoundCheckpoint"/> committed at
    /// <paramref name="fromStep"/>, both already parsed. Returns exactly the commitments <see cref="RoundTrainer.Train"/> made
    /// at those steps, and nothing else (no weights, delta or checkpoint bytes: the state hash streams into SHA-256).
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The start does not fit the spec.</exception>
    public IReadOnlyList<WeightCommitment> Replay(
        SafeTensorsFile start, int fromStep, RoundTrainingSpec spec, LabeledImages shard, ulong seed, int stopAfter,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        RoundTrainer.CheckSegment(spec, shard, fromStep, stopAfter);
        lock (_lock)
        {
            var kit = For(spec, shard);
            if (fromStep == 0)
            {
                ModuleWeights.Import(kit.Model, start);
                // A fresh optimizer's state: zeros and no steps taken (RoundCheckpoint.Load sets both for a later start).
                foreach (var state in kit.Optimizer.State)
                    state.Span.Clear();
                kit.Optimizer.Resume(0);
            }
            else
            {
                RoundCheckpoint.Load(start, kit.Model, kit.Optimizer, fromStep);
            }
            return Run(kit, spec, shard, seed, fromStep, stopAfter, cancellation);
        }
    }

    private static List<WeightCommitment> Run(
        Kit kit, RoundTrainingSpec spec, LabeledImages shard, ulong seed, int fromStep, int toStep, CancellationToken cancellation)
    {
        var loader = new MiniBatchLoader(shard, kit.Labels.Length, seed);
        var commitments = new List<WeightCommitment>();
        using var scope = TensorScope.Begin();
        loader.StartEpoch();
        RoundSteps.Seek(loader, fromStep);
        for (int step = fromStep + 1; step <= toStep; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            RoundSteps.Step(kit.Model, kit.Optimizer, loader, kit.Input, kit.Labels);
            scope.Reset();
            if (RoundSteps.Commits(spec, step))
                commitments.Add(kit.Commit(step));
        }
        return commitments;
    }

    // The kit of the last spec and shard layout, rebuilt only when they change (in a round, never).
    private Kit For(RoundTrainingSpec spec, LabeledImages shard)
    {
        var batch = Math.Min(spec.BatchSize, shard.Count);
        var key = new KitKey(spec.Model, spec.Layers, spec.Optimizer, spec.LearningRate, spec.Momentum, batch, shard.Channels, shard.Height, shard.Width,
            shard.Classes);
        if (_kit is null || _kit.Key != key)
        {
            // The initializer seed does not matter: every parameter is overwritten before a step is taken.
            var model = ModelBuilder.Build(spec.Model, spec.Layers, 0, shard.Classes);
            _kit = new Kit(key, model, RoundTrainer.CreateOptimizer(spec, model.Parameters()));
        }
        return _kit;
    }

    // Layers compares by reference: a round's specs all carry the job's one list.
    private sealed record KitKey(
        string Model, IReadOnlyList<string>? Layers, string Optimizer, double LearningRate, double Momentum, int Batch, int Channels, int Height, int Width,
        int Classes);

    /// <summary>What a replay trains with, and the arrays its commitments are hashed from (weights, then the checkpoint's tensors).</summary>
    private sealed class Kit
    {
        private readonly IReadOnlyList<Tensor> _parameters;
        private readonly IReadOnlyList<Tensor> _state;
        private readonly List<NamedArray> _weights;
        private readonly List<NamedArray> _checkpoint;

        public Kit(KitKey key, Module model, Optimizer optimizer)
        {
            Key = key;
            Model = model;
            Optimizer = optimizer;
            Input = Tensor.Persistent(key.Batch, key.Channels, key.Height, key.Width);
            Labels = new int[key.Batch];
            var named = model.NamedParameters().ToList();
            _parameters = named.Select(p => p.Value).ToList();
            _state = optimizer.State;
            _weights = named.Select(p => NamedArray.F32(p.Name, new float[p.Value.Length], p.Value.Shape.ToArray())).ToList();
            _checkpoint = RoundCheckpoint.Arrays(_weights, _state.Select(s => new float[s.Length]).ToList(), _state);
        }

        public KitKey Key { get; }
        public Module Model { get; }
        public Optimizer Optimizer { get; }
        public Tensor Input { get; }
        public int[] Labels { get; }

        /// <summary>The commitment after <paramref name="step"/>: the same hashes as the training's, from arrays this kit owns.</summary>
        public WeightCommitment Commit(int step)
        {
            for (var i = 0; i < _parameters.Count; i++)
                _parameters[i].Span.CopyTo(_weights[i].AsF32());
            for (var i = 0; i < _state.Count; i++)
                _state[i].Span.CopyTo(_checkpoint[_weights.Count + i].AsF32());
            return new WeightCommitment(step, SafeTensorsWriter.Sha256Hex(_weights), SafeTensorsWriter.Sha256Hex(_checkpoint));
        }
    }
}
