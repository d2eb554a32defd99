// Floor of an idle TLS connection in .NET on Linux: Socket + NetworkStream + SslStream (OpenSSL), one pending zero-byte read each.
// server: probe server PORT CERT KEY VARIANT   client: probe client PORT N
using System.Net; using System.Net.Security; using System.Net.Sockets; using System.Reflection; using System.Runtime.InteropServices;
using System.Security.Authentication; using System.Security.Cryptography.X509Certificates;

if (args[0] == "client")
{
    int port = int.Parse(args[1]), n = int.Parse(args[2]);
    var keep = new List<SslStream>(); var gate = new SemaphoreSlim(200);
    var tasks = Enumerable.Range(0, n).Select(async _ => { await gate.WaitAsync(); try {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp); await s.ConnectAsync(IPAddress.Loopback, port);
        var ssl = new SslStream(new NetworkStream(s, true)); await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => true });
        await ssl.WriteAsync("hello\n"u8.ToArray()); var b = new byte[16]; await ssl.ReadAsync(b);
        lock (keep) keep.Add(ssl); } finally { gate.Release(); } });
    await Task.WhenAll(tasks); Console.WriteLine($"connected {keep.Count}"); await Task.Delay(-1);
}
else
{
    int port = int.Parse(args[1]); string variant = args[4];
    var cert = X509Certificate2.CreateFromPemFile(args[2], args[3]);
    cert = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    var context = SslStreamCertificateContext.Create(cert, null);
    var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    listener.Bind(new IPEndPoint(IPAddress.Loopback, port)); listener.Listen(1024);
    var keep = new List<SslStream>(); int done = 0, failures = 0;
    Console.WriteLine($"ready {Environment.ProcessId}");
    _ = Task.Run(async () => { while (true) { await Task.Delay(2000); GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(); malloc_trim(0);
        Console.WriteLine($"conns {Volatile.Read(ref done)} rss {File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmRSS"))} gc {GC.GetTotalMemory(false)}"); } });
    while (true)
    {
        var s = await listener.AcceptAsync();
        _ = Task.Run(async () =>
        {
            try {
            var ssl = new SslStream(new NetworkStream(s, true));
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = context, EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                AllowTlsResume = !variant.Contains("noresume") });
            if (variant.Contains("release")) ReleaseBuffers(ssl);
            var line = new byte[64]; await ssl.ReadAsync(line); await ssl.WriteAsync("ok\n"u8.ToArray());
            lock (keep) keep.Add(ssl); Interlocked.Increment(ref done);
            await ssl.ReadAsync(Memory<byte>.Empty); // idle: a zero-byte read holds no buffer
            } catch (Exception ex) { if (Interlocked.Increment(ref failures) == 1) Console.WriteLine(ex); }
        });
    }
}

// Diagnostic only (the trial's method): SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS) on the SslStream's private SSL*.
static void ReleaseBuffers(SslStream ssl)
{
    var all = BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance;
    SafeHandle? handle = null;
    foreach (var f in typeof(SslStream).GetFields(all)) { var v = f.GetValue(ssl); if (v is null) continue;
        if (v.GetType().Name == "SafeSslHandle") handle = (SafeHandle)v;
        foreach (var g in v.GetType().GetFields(all)) { if (g.FieldType.IsValueType && !g.FieldType.IsPrimitive) continue; try { if (g.GetValue(v) is SafeHandle h && h.GetType().Name == "SafeSslHandle") handle = h; } catch {} }
        foreach (var pp in v.GetType().GetProperties(all)) { if (pp.GetIndexParameters().Length > 0) continue; try { if (pp.GetValue(v) is SafeHandle h && h.GetType().Name == "SafeSslHandle") handle = h; } catch {} } }
    if (handle is null || handle.GetType().Name != "SafeSslHandle") {
        foreach (var f in typeof(SslStream).GetFields(all)) Console.WriteLine($"field {f.Name} {f.FieldType} {f.GetValue(ssl)?.GetType()}");
        throw new InvalidOperationException("no SafeSslHandle"); }
    SSL_ctrl(handle.DangerousGetHandle(), 33 /* SSL_CTRL_MODE */, 0x10 /* SSL_MODE_RELEASE_BUFFERS */, 0);
}
[DllImport("libssl.so.3")] static extern long SSL_ctrl(IntPtr ssl, int cmd, long larg, IntPtr parg);
[DllImport("libc")] static extern int malloc_trim(nuint pad);
