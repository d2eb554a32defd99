using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

/// <summary>
/// The TLS listeners' certificate: a PEM certificate (with any intermediates after it) and its PEM
/// private key (settings <c>TlsCert</c> and <c>TlsKey</c>). Each handshake asks for
/// <see cref="Current"/>; at most once per <see cref="CheckInterval"/> that looks at the files'
/// modification times and sizes, and loads them again when they changed, so a renewed certificate
/// (certbot, acme.sh) is served to new connections without a restart. Connections already open keep
/// the certificate they were made with. A pair that does not load (the key written before the
/// certificate, say) leaves the previous certificate in service, and is tried again at the next check.
/// </summary>
public sealed class CertificateFiles
{
    /// <summary>How often a handshake may look at the files: one stat of each per interval, not per connection.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _certFile;
    private readonly string _keyFile;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _reload = new();
    private volatile Loaded _loaded;
    private long _nextCheck;

    private CertificateFiles(string certFile, string keyFile, TimeProvider time, ILogger logger, Loaded loaded)
    {
        _certFile = certFile;
        _keyFile = keyFile;
        _time = time;
        _logger = logger;
        _loaded = loaded;
        _nextCheck = time.GetUtcNow().UtcTicks + CheckInterval.Ticks;
    }

    /// <summary>Loads the pair; a pair that cannot be used stops the server's start with a message naming the files.</summary>
    public static CertificateFiles Load(string certFile, string keyFile, TimeProvider time, ILogger logger)
    {
        certFile = Path.GetFullPath(certFile);
        keyFile = Path.GetFullPath(keyFile);
        var loaded = TryLoad(certFile, keyFile, out var error)
            ?? throw new InvalidDataException($"TLS certificate {certFile} with key {keyFile}: {error}");
        Log.CertificateLoaded(logger, certFile, loaded.Certificate.Subject, loaded.Certificate.NotAfter.ToUniversalTime(), loaded.Fingerprint);
        return new CertificateFiles(certFile, keyFile, time, logger, loaded);
    }

    /// <summary>The certificate in service, after looking at the files if the last look is older than <see cref="CheckInterval"/>.</summary>
    public X509Certificate2 Certificate => Current.Certificate;

    /// <summary>What a handshake uses: the certificate with its chain, built once per load.</summary>
    public SslStreamCertificateContext Context => Current.Context;

    private Loaded Current
    {
        get
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (now >= Interlocked.Read(ref _nextCheck))
                CheckFiles(now);
            return _loaded;
        }
    }

    private void CheckFiles(long now)
    {
        // One handshake checks; the others meanwhile use the certificate in service.
        if (!_reload.TryEnter())
            return;
        try
        {
            if (now < Interlocked.Read(ref _nextCheck))
                return;
            Interlocked.Exchange(ref _nextCheck, now + CheckInterval.Ticks);
            var stamp = FilesStamp.Of(_certFile, _keyFile);
            if (stamp == _loaded.Stamp)
                return;
            if (TryLoad(_certFile, _keyFile, out var error) is { } loaded)
            {
                _loaded = loaded;
                Log.CertificateLoaded(_logger, _certFile, loaded.Certificate.Subject, loaded.Certificate.NotAfter.ToUniversalTime(), loaded.Fingerprint);
            }
            else
            {
                Log.CertificateReloadFailed(_logger, error!);
            }
        }
        finally
        {
            _reload.Exit();
        }
    }

    private static Loaded? TryLoad(string certFile, string keyFile, out string? error)
    {
        error = null;
        try
        {
            // The stamp is taken first: files changed while loading are loaded again at the next check.
            var stamp = FilesStamp.Of(certFile, keyFile);
            var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(certFile);
            // The first certificate in the file is the server's; the rest are its intermediates.
            var intermediates = new X509Certificate2Collection();
            foreach (var extra in chain.Skip(1))
                intermediates.Add(extra);
            var context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
            return new Loaded(certificate, context, SelfSignedCertificate.Fingerprint(certificate), stamp);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            error = ex.Message;
            return null;
        }
    }

    private sealed record Loaded(X509Certificate2 Certificate, SslStreamCertificateContext Context, string Fingerprint, FilesStamp Stamp);

    /// <summary>What tells a changed file from the same one without reading it: its time and size.</summary>
    private readonly record struct FilesStamp(DateTime CertWritten, long CertLength, DateTime KeyWritten, long KeyLength)
    {
        public static FilesStamp Of(string certFile, string keyFile)
        {
            var cert = new FileInfo(certFile);
            var key = new FileInfo(keyFile);
            return new FilesStamp(cert.LastWriteTimeUtc, cert.Exists ? cert.Length : -1, key.LastWriteTimeUtc, key.Exists ? key.Length : -1);
        }
    }
}
