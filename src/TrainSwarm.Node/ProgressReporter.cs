using TrainSwarm.Learning.Training;

namespace TrainSwarm.Node;

/// <summary>
/// Every step goes to <see cref="INodeObserver.TrainingStep"/> (a live progress bar); about every tenth of the steps
/// also to <see cref="INodeObserver.TrainingProgress"/>, with the mean loss since the last report (a log line).
/// </summary>
internal sealed class ProgressReporter(string roundId, INodeObserver observer)
{
    private int _reported;
    private double _lossSum;
    private int _lossCount;

    public void OnStep(RoundStep step)
    {
        observer.TrainingStep(roundId, step.Step, step.Steps, step.Loss, step.SamplesPerSecond);
        _lossSum += step.Loss;
        _lossCount++;
        var tenth = (int)((long)step.Step * 10 / step.Steps);
        if (tenth <= _reported && step.Step != step.Steps)
            return;
        _reported = tenth;
        observer.TrainingProgress(roundId, step.Step, step.Steps, (float)(_lossSum / _lossCount), step.SamplesPerSecond);
        _lossSum = 0;
        _lossCount = 0;
    }
}
