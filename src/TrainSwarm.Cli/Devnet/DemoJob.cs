using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Devnet;

/// <summary>The job `swarm devnet` runs, in one place so the quote-accuracy figures measure exactly that job.</summary>
public static class DemoJob
{
    /// <summary>Adam 1e-3 inner steps and FedAvg: the combination that improves the model every round from the first.</summary>
    public static JobSpec Spec(string model = "cnn", int rounds = 5, int nodes = 3, int innerSteps = 100) => new()
    {
        Name = "devnet demo", Model = model, Dataset = "fashion-mnist", Rounds = rounds, MinNodes = 1, MaxNodes = nodes,
        InnerSteps = innerSteps, BatchSize = 64, LearningRate = 0.001, Optimizer = "adam", Strategy = "fedavg",
        OpenSeconds = 10, TrainSeconds = 600,
    };
}
