using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>A node delivers its update for a round it joined: the signed receipt is checked and stored before it is acknowledged.</summary>
public sealed class AcceptUpdate(SwarmState state, StateCommitter committer, BlobStore blobs)
{
    /// <summary>
    /// Accepts a node's update: the signer must be the receipt's node, the receipt must be signed by it and name this
    /// round's attempt and base model, and the delta must already be in the blob store.
    /// </summary>
    public Task<UpdateAck> SubmitAsync(string node, string roundId, UpdateSubmission submission, CancellationToken cancellation)
    {
        var receipt = submission.Receipt ?? throw Refuse.Invalid("receipt is required");
        if (receipt.Node != node)
            throw Refuse.Forbidden($"the receipt is for node {receipt.Node}, but {node} signed the request");
        if (receipt.RoundId != roundId)
            throw Refuse.Invalid($"the receipt is for round {receipt.RoundId}, not {roundId}");
        if (!BlobId.IsValid(receipt.UpdateBlob) || !blobs.Exists(receipt.UpdateBlob))
            throw Refuse.Invalid($"update blob {receipt.UpdateBlob} is not stored; upload it first (PUT {Routes.Blobs}/ID)");
        var key = state.PublicKeyOf(node) ?? throw Refuse.Forbidden($"{node} is not registered");
        if (string.IsNullOrEmpty(submission.ReceiptSignature) || !DocumentSignature.Verify(key, receipt, submission.ReceiptSignature))
            throw Refuse.Invalid("the receipt signature does not verify with the node's key");
        return committer.MutateAsync(changes =>
        {
            var (job, round) = state.RunningRound(roundId);
            if (receipt.BaseModel != round.BaseModel || receipt.JobId != job.Id)
                throw Refuse.Invalid($"the receipt names base model {receipt.BaseModel}; round {roundId} starts from {round.BaseModel}");
            var next = Refuse.Unless(RoundMachine.Submit(round, node, receipt.Attempt, receipt.UpdateBlob, state.Now));
            var participant = next.Participants.Single(p => p.Node == node);
            // A retry of an acknowledged submission finds its update stored already: acknowledge again, record nothing new.
            if (!state.Updates.ContainsKey(Kinds.UpdateKey(roundId, round.Attempt, node)))
            {
                state.PutUpdate(changes, submission);
                changes.Event(job.Id, roundId, new Happening(EventTypes.UpdateReceived, node,
                    $"round {round.Index}: update received ({receipt.Steps} steps, {receipt.Samples} samples, {receipt.Encoding})",
                    new { receipt.Steps, receipt.Samples, receipt.ComputeSeconds, receipt.Encoding, receipt.UpdateBlob }));
            }
            // Closing the phase now, rather than at the next tick, starts validation as soon as the last update lands.
            var ticked = RoundMachine.Tick(next, job.Spec, state.Now);
            state.PutRound(changes, ticked.Round);
            foreach (var what in ticked.Happened)
                changes.Event(job.Id, roundId, what);
            state.MarkSeen(changes, node);
            return new UpdateAck(roundId, round.Attempt, node, receipt.UpdateBlob, participant.SubmittedAt ?? state.Now);
        }, cancellation);
    }
}
