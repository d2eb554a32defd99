using System.CommandLine;
using Parley.Server.Hosting;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley cert`: makes a self-signed certificate and key (PEM) to try the TLS listeners with, and
/// prints what clients need to trust it: its SHA-256 fingerprint (<c>parley chat --pin</c>) and its
/// public key's SHA-256 (Chromium's <c>--ignore-certificate-errors-spki-list</c>).
/// </summary>
public sealed class CertCommand
{
    private readonly Option<string[]> _names = new("--name")
    {
        Description = "host name or IP address the certificate is for; repeat for several [default: localhost 127.0.0.1 ::1]",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = true,
    };
    private readonly Option<string> _cert = new("--cert") { Description = "where to write the certificate", DefaultValueFactory = _ => "parley-cert.pem" };
    private readonly Option<string> _key = new("--key") { Description = "where to write the private key (mode 0600)", DefaultValueFactory = _ => "parley-key.pem" };
    private readonly Option<int> _days = new("--days") { Description = "days it is valid", DefaultValueFactory = _ => 365 };
    private readonly Option<bool> _force = new("--force") { Description = "overwrite files that exist" };

    public Command Create()
    {
        var command = new Command("cert", "make a self-signed TLS certificate and key (PEM) to try the TLS listeners") { _names, _cert, _key, _days, _force };
        command.SetAction(result => Run(result, Console.Out, Console.Error));
        return command;
    }

    public int Run(ParseResult result, TextWriter output, TextWriter error)
    {
        var names = result.GetValue(_names) is { Length: > 0 } given ? given : SelfSignedCertificate.DefaultNames;
        var certFile = result.GetValue(_cert)!;
        var keyFile = result.GetValue(_key)!;
        var days = result.GetValue(_days);
        if (days < 1)
        {
            error.WriteLine("parley cert: --days must be at least 1");
            return 1;
        }
        if (!result.GetValue(_force) && new[] { certFile, keyFile }.FirstOrDefault(File.Exists) is { } existing)
        {
            error.WriteLine($"parley cert: {existing} exists (--force overwrites it)");
            return 1;
        }
        SelfSignedCertificate pair;
        try
        {
            pair = SelfSignedCertificate.Create([.. names], TimeSpan.FromDays(days));
            pair.Write(certFile, keyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"parley cert: {ex.Message}");
            return 1;
        }
        output.WriteLine($"certificate {certFile} (for {string.Join(", ", names)}, {days} days)");
        output.WriteLine($"key         {keyFile}");
        output.WriteLine($"sha256      {pair.Sha256Fingerprint}");
        output.WriteLine($"spki        {pair.SpkiSha256Base64}");
        output.WriteLine($"serve with  parley serve --tls-cert {certFile} --tls-key {keyFile} --tcp-tls 127.0.0.1:7879 --https 127.0.0.1:8443 --irc-tls 127.0.0.1:6697");
        output.WriteLine($"chat with   parley chat --server 127.0.0.1:7879 --tls --pin {pair.Sha256Fingerprint} (or --ca {certFile})");
        return 0;
    }
}
