using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Hosting;
using Parley.Server.Observability;
using Parley.Tests.Support;

namespace Parley.Tests.Tls;

/// <summary>
/// An expired certificate is logged (event 60) once, not at every /readyz probe for every TLS
/// listener (a probe every few seconds would fill the log); a renewed one that has expired too is
/// logged again. <see cref="HealthEndpoints"/> on its own, with a real certificate and a fake clock.
/// </summary>
public sealed class ExpiredCertificateLogTests
{
    [Fact]
    public async Task An_expired_certificate_is_logged_once_whatever_the_probes_and_listeners()
    {
        using var certificate = TestCertificate.Create();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var files = CertificateFiles.Load(certificate.CertFile, certificate.KeyFile, time, NullLogger.Instance);
        ListenOptions bound = null!;
        new KestrelServerOptions().Listen(IPAddress.Loopback, 443, o => bound = o);
        var logger = new EventCounter();
        var health = new HealthEndpoints(null!, [], [new("https", () => bound, Tls: true), new("irc+tls", () => bound, Tls: true)],
            files, time, new RunningLifetime(), logger);

        await health.Ready(new DefaultHttpContext());
        Assert.Equal(0, logger.Count(60));

        time.Advance(TimeSpan.FromDays(3));
        for (var i = 0; i < 5; i++)
        {
            var probe = new DefaultHttpContext();
            await health.Ready(probe);
            Assert.Equal(StatusCodes.Status503ServiceUnavailable, probe.Response.StatusCode);
        }
        Assert.Equal(1, logger.Count(60));

        // A new certificate, read from the files within a second, that is out of date as well.
        certificate.Renew();
        time.Advance(CertificateFiles.CheckInterval + TimeSpan.FromSeconds(1));
        await health.Ready(new DefaultHttpContext());
        await health.Ready(new DefaultHttpContext());
        Assert.Equal(2, logger.Count(60));
    }

    private sealed class EventCounter : ILogger<HealthEndpoints>
    {
        private readonly List<int> _events = [];

        public int Count(int id)
        {
            lock (_events)
                return _events.Count(e => e == id);
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_events)
                _events.Add(eventId.Id);
        }
    }

    private sealed class RunningLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }
}
