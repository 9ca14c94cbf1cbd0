using TrainSwarm.Coordination.Records;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Queries;

/// <summary>
/// The API's views of the stored records. A view is a projection: the records are what is stored and reasoned about,
/// so the API can change without changing the schema.
/// </summary>
public static class RecordViews
{
    /// <summary>A job as everyone sees it.</summary>
    public static JobView ToView(this JobRecord job) => new(
        job.Id, job.Creator, job.Spec, job.Status, job.StatusReason, job.CurrentRound, job.RoundsDone, job.InitialModelBlob, job.ModelBlob,
        job.StrategyStateBlob, job.CreatedAt, job.FinishedAt, job.LastMetrics, job.Billing);

    /// <summary>A round attempt as everyone sees it, with what one node can expect from it when listed.</summary>
    public static RoundView ToView(this RoundRecord round, long? expectedReward = null) => new(
        round.Id, round.JobId, round.Index, round.Attempt, round.Status, round.Seed, round.BaseModel, round.Dataset, round.Model,
        round.MinNodes, round.MaxNodes, round.InnerSteps, round.BatchSize, round.OpenedAt, round.TrainingAt, round.ValidatingAt, round.DoneAt,
        round.PhaseDeadline, round.NewModel, round.Validator, round.Metrics, round.Participants.Select(ToView).ToList(), expectedReward,
        Votes: round.Votes?.Select(v => new VoteView(v.Validator, v.Agreement, v.PostedAt, v.Agrees, v.Late)).ToList(), Agreed: round.Agreed);

    /// <summary>One node's part in a round attempt.</summary>
    public static ParticipantView ToView(this ParticipantRecord p) => new(p.Node, p.Slot, p.Shard, p.Status, p.JoinedAt, p.UpdateBlob, p.SubmittedAt);

    /// <summary>What a node that joined a round needs to train its part.</summary>
    public static Assignment AssignmentOf(JobRecord job, RoundRecord round, ParticipantRecord p) => new(
        round.Id, job.Id, round.Index, round.Attempt, p.Slot, p.Shard, round.MaxNodes, round.Seed + (ulong)p.Slot, round.BaseModel, job.Spec,
        round.Status == RoundStatus.Training ? round.PhaseDeadline : round.PhaseDeadline.AddSeconds(job.Spec.TrainSeconds));
}
