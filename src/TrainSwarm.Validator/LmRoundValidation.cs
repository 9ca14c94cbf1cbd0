using TrainSwarm.Daemons;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Validates one round of an lm job: the same receipt checks, downloads, replay spot checks (states on demand, through
/// <see cref="LmReplayTrainer"/>) and aggregation as an image round (<see cref="RoundValidation"/> does those), scoring by held-out
/// loss (<see cref="LmUpdateScoring"/>). The metrics carry the base and new global's held-out loss and the tokens scored, which
/// end the job at its target loss.
/// </summary>
internal sealed class LmRoundValidation(RoundValidation fetcher)
{
    /// <summary>Runs the round and returns the result the coordinator accepted.</summary>
    public async Task<RoundResult> RunAsync(ValidationTask task, CancellationToken cancellation)
    {
        var (round, spec) = (task.Round, task.Spec);
        var corpusName = spec.LmSettings.Corpus;
        ReadOnlyMemory<int> heldOut;
        Func<int, int, ReadOnlyMemory<int>> shards;
        Dictionary<int, IReadOnlyList<string>>? slotBlobs = null;
        if (LmRoundSpecs.IsUploaded(spec))
        {
            // An uploaded text corpus: the holdout only the validator receives, and each slot's shards as the nodes fetched them.
            var (held, slotTokens, blobs) = await fetcher.UploadedTextAsync(corpusName, round, cancellation);
            (heldOut, slotBlobs) = (held, blobs);
            shards = (index, _) => slotTokens.TryGetValue(index, out var t) ? t : ReadOnlyMemory<int>.Empty;
        }
        else
        {
            Learning.Text.TokenCorpus corpus;
            try
            {
                corpus = LmRoundSpecs.Corpus(corpusName);
            }
            catch (Exception e) when (e is FileNotFoundException or NotSupportedException or IOException)
            {
                throw new UnsupportedDatasetException(corpusName, $"corpus '{corpusName}' is not available here: {e.Message}");
            }
            (heldOut, shards) = (corpus.HeldOut, (index, count) => corpus.Shard(count, index));
        }
        var baseBytes = await fetcher.BaseModelAsync(task, cancellation);
        var scoring = new LmUpdateScoring(spec, baseBytes, heldOut);
        var candidates = await fetcher.FetchAsync(task, cancellation);
        // A receipt must name exactly its slot's shards of an upload, as for image uploads.
        if (slotBlobs is not null)
            candidates = candidates.Select(c => RoundValidation.ShardNamed(c, round, slotBlobs)).ToList();
        var previous = await fetcher.PreviousDeltasAsync(task, scoring.BaseWeights, cancellation);
        var check = new ReplayCheck(spec, baseBytes, new LmReplayTrainer(spec, corpusName, shards, round.Index));
        var scored = await fetcher.ReplayAsync(task, check, candidates, scoring.Score(candidates, previous, cancellation), cancellation);
        return await fetcher.AggregateAndPostAsync(task, scoring.BaseWeights, scored, scoring.Model, (accepted, newWeights, _) =>
        {
            var held = accepted ? scoring.Evaluate(newWeights) : scoring.Base;
            var tokens = (int)held.Tokens;
            // The held-out text is the lm job's only test: the test columns repeat it.
            return new RoundMetrics(scoring.Base.Loss, 0, held.Loss, 0, tokens, held.Loss, 0, tokens);
        }, cancellation);
    }
}
