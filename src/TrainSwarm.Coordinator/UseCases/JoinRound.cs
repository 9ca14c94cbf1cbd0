using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Ledger;
using TrainSwarm.Coordinator.Telemetry;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>A registered node joins an open round of a running job whose dataset it serves, locking its stake first.</summary>
public sealed class JoinRound(SwarmState state, StateCommitter committer, LedgerStore ledger, MeteredLedger metered, LedgerAccounts accounts,
    CoordinatorOptions options, CoordinatorIdentity identity)
{
    /// <summary>Joins the round and returns the node's assignment; training starts once the round is full.</summary>
    public Task<Assignment> JoinAsync(string node, string roundId, CancellationToken cancellation) =>
        committer.MutateWithLedgerAsync(async changes =>
        {
            var (job, round) = state.RunningRound(roundId);
            var record = state.Nodes.GetValueOrDefault(node)
                ?? throw Refuse.Forbidden($"{node} is not a registered node; register with POST {Routes.Nodes}");
            // An rl job needs no data: any node can collect its experience. An lm job's named corpus is not a registered
            // dataset: the node daemon joins only when it can read it; an uploaded text corpus needs "uploaded", as an image upload.
            var needed = job.Spec.IsLm ? job.Spec.UploadedDataset : job.Spec.IsRl || job.Spec.IsGrpo ? null : job.Spec.Dataset;
            if (needed is not null && !DatasetIds.Serves(record.Registration.Datasets, needed))
                throw Refuse.Forbidden($"node {node} does not serve dataset {needed}, which round {roundId} trains on");
            // A proven fraudster is out of the job: otherwise it could cheat again every round and lose one stake per round.
            if (SlashedIn(job.Id, node) is { } caught)
                throw Refuse.With(RefusalKind.Forbidden, "Barred for fraud",
                    $"node {node} was caught by a replay in round {caught.RoundId} (attempt {caught.Attempt}) of job {job.Id} and slashed; "
                    + "it may not join the job's later rounds");
            var joined = Refuse.Unless(RoundMachine.Join(round, node, state.Now));
            await StakeAsync(node, job, round, cancellation);
            var next = RoundMachine.StartTrainingIfFull(joined, job.Spec, state.Now);
            state.PutRound(changes, next);
            var participant = next.Participants.Single(p => p.Node == node);
            changes.Event(job.Id, roundId, new Happening(EventTypes.NodeJoined, node,
                $"round {round.Index}: node joined (slot {participant.Slot}, shard {participant.Shard})", new { participant.Slot, participant.Shard }));
            if (next.Status == RoundStatus.Training)
                changes.Event(job.Id, roundId, new Happening(EventTypes.TrainingStarted, null,
                    $"round {round.Index} training with {next.Participants.Count} nodes"));
            state.MarkSeen(changes, node);
            return RecordViews.AssignmentOf(job, next, participant) with { AuditCommitment = identity.AuditCommitment(next.Id, next.Attempt) };
        }, cancellation);

    /// <summary>The first stored result of <paramref name="jobId"/> that calls <paramref name="node"/>'s update fraud, or null.</summary>
    private RoundResult? SlashedIn(string jobId, string node) =>
        state.Results.Values.Select(r => r.Result)
            .Where(r => state.Rounds.GetValueOrDefault(Kinds.RoundKey(r.RoundId, r.Attempt))?.JobId == jobId)
            .FirstOrDefault(r => r.Verdicts.Any(v => v.Node == node && v.Fraud == true));

    /// <summary>Locks the node's stake for a round attempt before it joins; a node that cannot pay it is refused.</summary>
    private async Task StakeAsync(string node, JobRecord job, RoundRecord round, CancellationToken cancellation)
    {
        if (options.StakePerRound <= 0)
            return;
        var stake = TransferPlans.Stake(node, round, job.Spec, options.StakePerRound);
        await accounts.OpenAsync(LedgerAccounts.Node(node), cancellation);
        var result = (await metered.SubmitAsync([stake], state.Now, CancellationToken.None))[0];
        if (result.Status == TransferStatus.InsufficientFunds)
        {
            var wallet = await ledger.GetAccountAsync(MarketIds.Wallet(node), cancellation);
            throw Refuse.With(RefusalKind.InsufficientFunds, "Insufficient stake",
                $"joining round {round.Id} locks a stake of {Asset.Format(options.StakePerRound)} tokens; wallet {node} has "
                + $"{Asset.Format(wallet?.Available ?? 0)} available. Fund it (on a devnet: swarm wallet faucet)");
        }
        if (!result.Succeeded)
            throw new InvalidOperationException($"the ledger refused the stake of {node} for {round.Id}: {result.Status}");
    }
}
