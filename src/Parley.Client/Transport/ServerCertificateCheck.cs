using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Parley.Client.Transport;

/// <summary>
/// How the client judges the server's TLS certificate (<see cref="ParleyClientOptions"/>): by the
/// system's trust store and the host name (the default); by a given CA file and the host name; or
/// by a pinned SHA-256 fingerprint, which accepts that one certificate and nothing else.
/// </summary>
internal sealed class ServerCertificateCheck
{
    private readonly byte[]? _pin;
    private readonly X509Certificate2Collection? _roots;

    private ServerCertificateCheck(byte[]? pin, X509Certificate2Collection? roots)
    {
        _pin = pin;
        _roots = roots;
        if (pin is not null || roots is not null)
            Callback = Validate;
    }

    /// <summary>The validation to hand to SslStream, ClientWebSocket and HttpClient; null for the system's own.</summary>
    public RemoteCertificateValidationCallback? Callback { get; }

    public static ServerCertificateCheck For(ParleyClientOptions options)
    {
        var pin = string.IsNullOrWhiteSpace(options.TlsPin) ? null : ParsePin(options.TlsPin);
        X509Certificate2Collection? roots = null;
        if (!string.IsNullOrWhiteSpace(options.TlsCaFile))
        {
            roots = [];
            roots.ImportFromPemFile(options.TlsCaFile);
            if (roots.Count == 0)
                throw new InvalidDataException($"{options.TlsCaFile} holds no PEM certificate");
        }
        return new ServerCertificateCheck(pin, roots);
    }

    /// <summary>Options for a TLS 1.2 or 1.3 handshake with <paramref name="host"/>.</summary>
    public SslClientAuthenticationOptions ClientOptions(string host) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = Callback,
    };

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
            return false;
        if (_pin is not null)
            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), _pin);
        // A CA file: the name must match, and the chain must end at one of its certificates.
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements.Skip(1))
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        using var server = new X509Certificate2(certificate);
        return custom.Build(server);
    }

    private static byte[] ParsePin(string pin)
    {
        var hex = pin.Replace(":", "", StringComparison.Ordinal).Trim();
        try
        {
            var bytes = Convert.FromHexString(hex);
            if (bytes.Length == SHA256.HashSizeInBytes)
                return bytes;
        }
        catch (FormatException)
        {
        }
        throw new FormatException($"'{pin}' is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
    }
}
