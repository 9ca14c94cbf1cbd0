using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>One held round, start to finish: base model, shard, training, upload, signed receipt (then the payout, see NodeDaemon.Payouts.cs).</summary>
public sealed partial class NodeDaemon
{
    private async Task WorkAsync(SwarmClient client, ActorKey key, Assignment assignment, CancellationToken cancellation)
    {
        var roundId = assignment.RoundId;
        var spec = assignment.Spec;
        try
        {
            if (!DatasetCache.CanLoad(spec.Dataset))
            {
                _observer.Skipped(roundId, $"this node has no loader for dataset '{spec.Dataset}'");
                return;
            }
            var baseModel = await RetryAsync(c => client.GetBlobAsync(assignment.BaseModel, c), "download the base model", assignment, cancellation).ConfigureAwait(false);
            var data = await _datasets.GetAsync(spec.Dataset, cancellation).ConfigureAwait(false);
            // The same split every node and validator derives from the job alone.
            var split = new DataSplit(data.Count, spec.HoldoutFraction, spec.TrainSamples, spec.Seed);
            var shard = data.Gather(split.Shard(assignment.ShardIndex, assignment.ShardCount));
            _observer.TrainingStarted(assignment, spec.Dataset, shard.Count);

            var progress = new ProgressReporter(roundId, _observer);
            // Training is synchronous CPU work with thread-bound tensor scopes: it gets a pool thread of its own.
            var result = await Task.Run(() => RoundTrainer.Train(baseModel, RoundTrainingSpecs.From(spec), shard, assignment.Seed, progress.OnStep,
                cancellation: cancellation), cancellation).ConfigureAwait(false);
            if (result.LossCurve.Any(l => !float.IsFinite(l)))
            {
                // A diverged update would be rejected anyway, and a receipt cannot carry NaN in JSON.
                _observer.Skipped(roundId, "training diverged (the loss became NaN or infinite); no update sent");
                return;
            }

            var update = DeltaCodec.Encode(result.Delta, _options.Encoding);
            var blob = await RetryAsync(c => client.PutBlobAsync(update, c), "upload the update", assignment, cancellation).ConfigureAwait(false);
            _observer.Uploaded(roundId, blob, update.Length);

            var receipt = new TrainingReceipt(
                assignment.JobId, roundId, assignment.Attempt, key.Address, assignment.BaseModel, assignment.ShardIndex, assignment.ShardCount,
                assignment.Seed, result.Steps, result.Samples, result.LossCurve, result.ComputeSeconds,
                result.Commitments.Select(c => new Commitment(c.Step, c.Sha256)).ToList(), blob, _options.Encoding, spec.Dataset);
            var submission = new UpdateSubmission(receipt, DocumentSignature.Sign(key, receipt));
            var ack = await RetryAsync(c => client.SubmitUpdateAsync(roundId, submission, c), "submit the update", assignment, cancellation).ConfigureAwait(false);
            _observer.Submitted(receipt, ack);
            // The pay comes after validation: waited for beside the next round's training, not in this slot.
            WatchPayout(client, assignment);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Stopping. Nothing was half-written: blobs are content-addressed and a submission is all or nothing,
            // and the coordinator still lists the assignment, so the next start resumes it.
        }
        catch (SwarmApiException e) when ((int)e.Status is >= 400 and < 500)
        {
            // The coordinator's final word (e.g. 409: the round no longer takes updates): retrying cannot help.
            _observer.Skipped(roundId, e.Status == HttpStatusCode.Conflict ? $"the round moved on: {e.Message}" : $"refused: {e.Message}");
        }
        catch (Exception e) when (e is NotSupportedException or FileNotFoundException or DirectoryNotFoundException or DataFormatException)
        {
            _observer.Skipped(roundId, $"dataset '{spec.Dataset}' is not available: {e.Message}");
        }
        catch (Exception e)
        {
            // A failed round must not take the daemon down: it is reported and the node goes on.
            _observer.Error(roundId, $"round given up: {e.Message}");
        }
    }

    // Retries last ~RetryLimit, and never past the round's deadline, after which the coordinator drops the node anyway.
    private Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> action, string operation, Assignment assignment, CancellationToken cancellation)
    {
        var limit = _clock.GetUtcNow() + _options.RetryLimit;
        var giveUpAt = assignment.TrainDeadline < limit ? assignment.TrainDeadline : limit;
        return NetworkRetry.RunAsync(action, operation, assignment.RoundId, giveUpAt, _observer, _clock, cancellation);
    }

    /// <summary>Turns per-step callbacks into about ten progress reports per round, each with the mean loss since the last.</summary>
    private sealed class ProgressReporter(string roundId, INodeObserver observer)
    {
        private int _reported;
        private double _lossSum;
        private int _lossCount;

        public void OnStep(RoundStep step)
        {
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
}
