using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace TrainSwarm.Coordinator.Telemetry;

/// <summary>Wires OpenTelemetry into the coordinator host: its meter, ASP.NET Core and runtime metrics, Prometheus, traces, logs.</summary>
public static class CoordinatorTelemetrySetup
{
    /// <summary>The Prometheus scrape path.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Registers the coordinator's instruments and the OpenTelemetry providers. Metrics always run (they feed <c>/metrics</c>);
    /// traces and OTel logs run only when something consumes them (OTLP configured, or a test's hook).
    /// </summary>
    public static void AddCoordinatorTelemetry(this WebApplicationBuilder builder, TelemetryOptions options)
    {
        // A MeterListener hears every meter of the process by name, and two coordinators in one process (tests) must not
        // report each other's counts: the coordinator's meter carries this host's scope, ASP.NET Core's carry the host's
        // IMeterFactory, and the view drops instruments of any other host.
        var scope = new CoordinatorMeterScope();
        builder.Services.AddSingleton(scope);
        builder.Services.AddSingleton<CoordinatorMetrics>();
        builder.Services.AddSingleton<CommitTelemetry>();
        builder.Services.AddSingleton<MeteredLedger>();
        // Every log line written inside a span (a request, a round phase) carries its TraceId and SpanId as a scope.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService(options.ServiceName));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(CoordinatorMetrics.MeterName)
                .AddView(instrument => scope.IsOtherHosts(instrument.Meter) ? MetricStreamConfiguration.Drop : null)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                // No response cache: a scrape right after a change shows it (the scrape is cheap at this size).
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            if (options.Otlp)
                metrics.AddOtlpExporter();
            options.Metrics?.Invoke(metrics);
        });
        if (options.Otlp || options.Tracing is not null)
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(CoordinatorTracing.SourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                    .AddHttpClientInstrumentation();
                if (options.Otlp)
                    tracing.AddOtlpExporter();
                options.Tracing?.Invoke(tracing);
            });
        if (options.Otlp || options.Logging is not null)
            telemetry.WithLogging(logging =>
            {
                if (options.Otlp)
                    logging.AddOtlpExporter();
                options.Logging?.Invoke(logging);
            }, o => o.IncludeScopes = true);
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus text format); call before the app starts.</summary>
    public static void MapCoordinatorMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<CoordinatorMeterScope>().HostMeters = app.Services.GetRequiredService<IMeterFactory>();
        app.MapPrometheusScrapingEndpoint(MetricsPath);
    }

    // Scrapes and health probes come every few seconds and say nothing about rounds: no span for them.
    private static bool IsProbe(PathString path) => path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");
}

/// <summary>Which meters belong to one coordinator host (see <see cref="CoordinatorTelemetrySetup.AddCoordinatorTelemetry"/>).</summary>
public sealed class CoordinatorMeterScope
{
    /// <summary>The host's meter factory, which ASP.NET Core's meters name as their scope; set once the host is built.</summary>
    public IMeterFactory? HostMeters { get; set; }

    /// <summary>True for a meter of another host in this process: a coordinator meter of another scope, or another factory's meter.</summary>
    public bool IsOtherHosts(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        if (meter.Name == CoordinatorMetrics.MeterName)
            return !ReferenceEquals(meter.Scope, this);
        return meter.Scope is IMeterFactory factory && HostMeters is not null && !ReferenceEquals(factory, HostMeters);
    }
}
