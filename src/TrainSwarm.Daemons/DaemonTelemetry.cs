using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace TrainSwarm.Daemons;

/// <summary>
/// OpenTelemetry for a daemon process (node or validator): its spans, its series and the HTTP client's, exported over OTLP.
/// Started only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: a daemon serves no scrape endpoint, so with nowhere to
/// send them no provider runs, no span is created and nothing slows down.
/// </summary>
public sealed class DaemonTelemetry : IDisposable
{
    /// <summary>The standard variable that names the OTLP collector.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metrics;

    private DaemonTelemetry(TracerProvider tracing, MeterProvider metrics) => (_tracing, _metrics) = (tracing, metrics);

    /// <summary>
    /// Starts the providers for <paramref name="name"/> (the daemon's activity source and meter) reporting as
    /// <paramref name="serviceName"/>, when OTLP is configured; null otherwise. Dispose to flush.
    /// </summary>
    public static DaemonTelemetry? StartIfConfigured(string serviceName, string name) =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable))
            ? null
            : Start(serviceName, name, t => t.AddOtlpExporter(), m => m.AddOtlpExporter());

    /// <summary>Starts the providers with the exporters <paramref name="tracing"/> and <paramref name="metrics"/> add (tests: in-memory ones).</summary>
    public static DaemonTelemetry Start(string serviceName, string name, Action<TracerProviderBuilder> tracing, Action<MeterProviderBuilder> metrics)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        ArgumentNullException.ThrowIfNull(metrics);
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName);
        var tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(name).AddHttpClientInstrumentation();
        tracing(tracer);
        var meter = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(name).AddHttpClientInstrumentation().AddRuntimeInstrumentation();
        metrics(meter);
        return new DaemonTelemetry(tracer.Build(), meter.Build());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _tracing.Dispose();
        _metrics.Dispose();
    }
}
