using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Parley.Server.Hosting;

/// <summary>
/// A self-signed certificate and its key as PEM text (<c>parley cert</c>, and the tests): for
/// trying the TLS listeners, not for strangers, who would each have to trust it by hand. An ECDSA
/// P-256 key: small, quick handshakes, and accepted by browsers, OpenSSL and GnuTLS alike.
/// </summary>
public sealed record SelfSignedCertificate(string CertificatePem, string KeyPem, string Sha256Fingerprint, string SpkiSha256Base64)
{
    /// <summary>The names <c>parley cert</c> covers when given none.</summary>
    public static readonly IReadOnlyList<string> DefaultNames = ["localhost", "127.0.0.1", "::1"];

    /// <summary>Makes a pair for <paramref name="names"/>: host names and IP addresses, the first one also the subject's CN.</summary>
    public static SelfSignedCertificate Create(IReadOnlyList<string> names, TimeSpan validity)
    {
        if (names.Count == 0)
            throw new ArgumentException("a certificate needs at least one host name or address");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(names[0])}"), key, HashAlgorithmName.SHA256);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
                alternativeNames.AddIpAddress(address);
            else
                alternativeNames.AddDnsName(name);
        }
        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        // A minute back, so that a clock a little behind still accepts it at once.
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var certificate = request.CreateSelfSigned(notBefore, notBefore + validity);
        return new SelfSignedCertificate(
            certificate.ExportCertificatePem() + "\n",
            key.ExportPkcs8PrivateKeyPem() + "\n",
            Fingerprint(certificate),
            SpkiPin(certificate));
    }

    /// <summary>The certificate's SHA-256 fingerprint as colon-separated hex, as <c>openssl x509 -fingerprint -sha256</c> prints it.</summary>
    public static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Base64 of the SHA-256 of the public key (SubjectPublicKeyInfo): what Chromium's <c>--ignore-certificate-errors-spki-list</c> and HPKP-style pins take.</summary>
    public static string SpkiPin(X509Certificate2 certificate) =>
        Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>Writes the pair; the key file readable by its owner alone.</summary>
    public void Write(string certFile, string keyFile)
    {
        File.WriteAllText(certFile, CertificatePem);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var key = new StreamWriter(keyFile, System.Text.Encoding.ASCII, options);
        key.Write(KeyPem);
    }

    private static string Escape(string name) => name.Contains(',') || name.Contains('=') || name.Contains('+') ? $"\"{name}\"" : name;
}
