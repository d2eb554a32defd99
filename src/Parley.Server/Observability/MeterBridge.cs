using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace Parley.Server.Observability;

/// <summary>
/// Publishes one <see cref="Meter"/>'s instruments as prometheus-net collectors in one registry,
/// with Prometheus's own types: an observable counter becomes a counter (<c>_total</c>), an
/// observable gauge or up-down counter a gauge, a histogram a histogram (<c>_seconds</c> when its
/// unit is "s"). Observable instruments are read at each scrape, just before the registry collects.
///
/// Not prometheus-net's MeterAdapter: in 8.2.1 it exported nothing here (a scrape showed only its
/// own instrument count; tried with a custom registry, observable and pushed instruments), and it
/// turns every counter into a gauge.
/// </summary>
internal sealed class MeterBridge : IDisposable
{
    private readonly Meter _meter;
    private readonly IMetricFactory _factory;
    private readonly double[] _buckets;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Func<string[], object>> _collectors = new();
    private readonly Func<Instrument, string[], Func<string[], object>> _create;
    private volatile bool _disposed;

    public MeterBridge(Meter meter, CollectorRegistry registry, double[] buckets)
    {
        _meter = meter;
        _create = Create;
        _factory = Metrics.WithCustomRegistry(registry);
        _buckets = buckets;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
        registry.AddBeforeCollectCallback(() =>
        {
            if (!_disposed)
                _listener.RecordObservableInstruments();
        });
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Tags come only with the observable instruments, read once per scrape; the histograms
        // recorded on every commit have none, so these are empty arrays there.
        var labels = tags.Length == 0 ? [] : new string[tags.Length];
        var names = tags.Length == 0 ? [] : new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
            (names[i], labels[i]) = (tags[i].Key, tags[i].Value?.ToString() ?? "");
        var collector = _collectors.GetOrAdd(instrument, _create, names)(labels);
        switch (collector)
        {
            case Counter.Child counter:
                counter.IncTo(value);
                break;
            case Gauge.Child gauge:
                gauge.Set(value);
                break;
            case Histogram.Child histogram:
                histogram.Observe(value);
                break;
        }
    }

    /// <summary>The collector for an instrument, given its label names (an instrument always gives the same ones).</summary>
    private Func<string[], object> Create(Instrument instrument, string[] labelNames)
    {
        var name = instrument.Name.Replace('.', '_');
        var help = instrument.Description ?? instrument.Name;
        switch (instrument)
        {
            case ObservableCounter<long> or ObservableCounter<int>:
                var counter = _factory.CreateCounter(name + "_total", help, labelNames);
                return labels => counter.WithLabels(labels);
            case Histogram<double>:
                var histogram = _factory.CreateHistogram(instrument.Unit == "s" ? name + "_seconds" : name, help, labelNames,
                    new HistogramConfiguration { Buckets = _buckets });
                return labels => histogram.WithLabels(labels);
            default:
                var gauge = _factory.CreateGauge(name, help, labelNames);
                return labels => gauge.WithLabels(labels);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
    }
}
