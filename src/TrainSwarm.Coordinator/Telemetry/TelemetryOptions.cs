using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace TrainSwarm.Coordinator.Telemetry;

/// <summary>Where a process's telemetry goes besides its own endpoints (the coordinator always serves <c>/metrics</c>).</summary>
public sealed record TelemetryOptions
{
    /// <summary>The standard variable that switches the OTLP exporter on (e.g. http://collector:4317).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Export traces, metrics and logs over OTLP. Off unless <see cref="OtlpEndpointVariable"/> is set: then no exporter
    /// runs, and with no tracer provider listening the round spans are never even created.
    /// </summary>
    public bool Otlp { get; init; } = OtlpConfigured();

    /// <summary>Extra tracing setup (tests add an in-memory exporter); when set, tracing runs even without OTLP.</summary>
    public Action<TracerProviderBuilder>? Tracing { get; init; }

    /// <summary>Extra metrics setup (tests add an in-memory reader).</summary>
    public Action<MeterProviderBuilder>? Metrics { get; init; }

    /// <summary>Extra logging setup (tests add an in-memory exporter of log records).</summary>
    public Action<LoggerProviderBuilder>? Logging { get; init; }

    /// <summary>The service name each process reports as (<c>service.name</c>).</summary>
    public string ServiceName { get; init; } = "trainswarm-coordinator";

    /// <summary>True when the environment names an OTLP endpoint.</summary>
    public static bool OtlpConfigured() => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable));
}
