using TrainSwarm.Daemons;

namespace TrainSwarm.Node;

/// <summary>
/// Makes the <see cref="AssignmentTrainer"/> a <see cref="NodeDaemon"/> trains its rounds with, from the daemon's own
/// options, dataset cache, observer and clock. The product uses the plain trainer; tests pass a subclass.
/// </summary>
public delegate AssignmentTrainer TrainerFactory(NodeOptions options, DatasetCache datasets, INodeObserver observer, TimeProvider clock);
