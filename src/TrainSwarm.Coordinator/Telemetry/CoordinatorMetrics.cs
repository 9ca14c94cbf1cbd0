using System.Diagnostics;
using System.Diagnostics.Metrics;
using TrainSwarm.Ledger;

namespace TrainSwarm.Coordinator.Telemetry;

/// <summary>
/// The coordinator's own series (meter <see cref="MeterName"/>). Each coordinator host has its own meter, scoped to the
/// host (<see cref="CoordinatorMeterScope"/>) and disposed with it, so two coordinators in one process (tests) never add up.
/// Counters count committed facts only: they are fed after the database transaction, never for a refused request.
/// </summary>
public sealed class CoordinatorMetrics : IDisposable
{
    private readonly Meter _meter;
    /// <summary>The meter name to listen to (OpenTelemetry's AddMeter, Prometheus, dotnet-counters).</summary>
    public const string MeterName = "TrainSwarm.Coordinator";

    private readonly Counter<long> _roundsOpened;
    private readonly Counter<long> _roundsClosed;
    private readonly Counter<long> _updatesReceived;
    private readonly Counter<long> _updatesAccepted;
    private readonly Counter<long> _updatesRejected;
    private readonly Counter<long> _blobBytes;
    private readonly Histogram<double> _phaseDuration;
    private readonly Counter<long> _payouts;
    private readonly Counter<long> _payoutMicroTokens;
    private readonly Counter<long> _ledgerCommits;

    /// <summary>Creates the instruments on a meter of this host's <paramref name="scope"/>.</summary>
    public CoordinatorMetrics(CoordinatorMeterScope scope)
    {
        var meter = _meter = new Meter(new MeterOptions(MeterName) { Scope = scope });
        _roundsOpened = meter.CreateCounter<long>("trainswarm.rounds.opened", "{round}", "Round attempts opened");
        _roundsClosed = meter.CreateCounter<long>("trainswarm.rounds.closed", "{round}", "Round attempts closed, by outcome (done, retried)");
        _updatesReceived = meter.CreateCounter<long>("trainswarm.updates.received", "{update}", "Updates acknowledged to nodes");
        _updatesAccepted = meter.CreateCounter<long>("trainswarm.updates.accepted", "{update}", "Updates a round result accepted");
        _updatesRejected = meter.CreateCounter<long>("trainswarm.updates.rejected", "{update}", "Updates a round result rejected");
        _blobBytes = meter.CreateCounter<long>("trainswarm.blob.transferred", "By", "Blob bytes stored (direction=in) and served (direction=out)");
        _phaseDuration = meter.CreateHistogram<double>("trainswarm.round.phase.duration", "s",
            "Time a round attempt spent in a phase (open, training, validating)",
            // Phases last from a fraction of a second (a devnet's validation) to an hour (a training deadline).
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });
        _payouts = meter.CreateCounter<long>("trainswarm.payouts", "{payout}", "Payout transfers the ledger committed");
        _payoutMicroTokens = meter.CreateCounter<long>("trainswarm.payouts.amount", "{micro-token}", "Micro-tokens the committed payouts moved");
        _ledgerCommits = meter.CreateCounter<long>("trainswarm.ledger.commits", "{transfer}", "Transfers the ledger committed, by reason");
    }

    internal void RoundOpened() => _roundsOpened.Add(1);

    internal void RoundClosed(bool retried) => _roundsClosed.Add(1, new KeyValuePair<string, object?>("outcome", retried ? "retried" : "done"));

    internal void UpdateReceived() => _updatesReceived.Add(1);

    internal void UpdateScored(bool accepted) => (accepted ? _updatesAccepted : _updatesRejected).Add(1);

    internal void PhaseEnded(string phase, TimeSpan duration) =>
        _phaseDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("phase", phase));

    /// <summary>Counts blob bytes that crossed the API: "in" for a stored upload, "out" for a served download.</summary>
    internal void BlobBytes(string direction, long bytes) => _blobBytes.Add(bytes, new KeyValuePair<string, object?>("direction", direction));

    /// <summary>Counts one ledger answer: only a fresh commit (ok) counts; a retry answered "exists" was counted the first time.</summary>
    internal void LedgerAnswered(Reason reason, long amount, TransferStatus status)
    {
        if (status != TransferStatus.Ok)
            return;
        _ledgerCommits.Add(1, new KeyValuePair<string, object?>("reason", ReasonTag(reason)));
        if (reason != Reason.Payout)
            return;
        _payouts.Add(1);
        _payoutMicroTokens.Add(amount);
    }

    private static string ReasonTag(Reason reason) => reason switch
    {
        Reason.Mint => "mint",
        Reason.Escrow => "escrow",
        Reason.Payout => "payout",
        Reason.Fee => "fee",
        Reason.Refund => "refund",
        Reason.Stake => "stake",
        Reason.Unstake => "unstake",
        Reason.Slash => "slash",
        Reason.Transfer => "transfer",
        _ => throw new UnreachableException($"ledger reason {reason} has no metric tag"),
    };

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
