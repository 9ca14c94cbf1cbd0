using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace TrainSwarm.Daemons.Tests;

/// <summary>A daemon's providers export its own source's spans and its meter's series to the exporters it is given.</summary>
public class DaemonTelemetryTests
{
    [Fact]
    public void The_daemon_providers_export_its_own_spans_and_series()
    {
        const string name = "TrainSwarm.Daemons.Tests.Telemetry";
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var source = new ActivitySource(name);
        using var meter = new Meter(name);
        var counter = meter.CreateCounter<long>("test.things");
        using (DaemonTelemetry.Start("trainswarm-test", name, t => t.AddInMemoryExporter(spans), m => m.AddInMemoryExporter(metrics)))
        {
            using (source.StartActivity("work"))
                counter.Add(3);
        } // disposing flushes the metrics

        var span = Assert.Single(spans, s => s.Source.Name == name);
        Assert.Equal("work", span.DisplayName);
        var things = Assert.Single(metrics, m => m.Name == "test.things");
        long sum = 0;
        foreach (ref readonly var point in things.GetMetricPoints())
            sum += point.GetSumLong();
        Assert.Equal(3, sum);
    }

    [Fact]
    public void Nothing_starts_without_an_otlp_endpoint()
    {
        // The variable is read, never written, by the tests: where a machine sets it, this test says so and checks the other way.
        var configured = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DaemonTelemetry.OtlpEndpointVariable));
        using var telemetry = DaemonTelemetry.StartIfConfigured("trainswarm-test", "TrainSwarm.Daemons.Tests.Unused");
        Assert.Equal(configured, telemetry is not null);
    }
}
