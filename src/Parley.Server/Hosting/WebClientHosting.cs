using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace Parley.Server.Hosting;

/// <summary>
/// The web client (docs/web.md): the files under wwwroot, served as they are, and the security
/// headers that every HTTP response carries. Nothing here knows the chat protocol; the page
/// speaks it over /ws like any other client.
/// </summary>
public static partial class WebClientHosting
{
    /// <summary>
    /// Adds the security headers to every response, then serves wwwroot (index.html at /).
    /// Call it early, before anything that writes a response.
    /// </summary>
    public static WebApplication UseParleyWebClient(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy(context.Request.Host);
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            // Only over HTTPS (RFC 6797 §7.2: a browser ignores it over plain HTTP). A year, without
            // includeSubDomains or preload: whoever hosts Parley may serve other names over plain HTTP.
            if (context.Request.IsHttps)
                headers.StrictTransportSecurity = StrictTransportSecurity;
            return next(context);
        });

        // ContentRootPath is the program's folder, so the web root is the wwwroot copied next to it
        // at build (Parley.Server.csproj). Without one there is nothing to serve: /ws still works.
        var files = app.Environment.WebRootFileProvider;
        if (files is NullFileProvider)
            return app;
        if (AppShell.Read(files) is { } shell)
            app.Use((context, next) => context.Request.Path == "/" + AppShell.WorkerFile ? ServeWorker(context, shell) : next(context));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // Revalidate every time (the ETag makes that cheap): after an upgrade, no browser keeps an old module.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }

    /// <summary>The HSTS header every HTTPS response carries.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>
    /// The service worker, with the shell's version and files written in (<see cref="AppShell"/>).
    /// At the root, so its scope is the whole page; never cached, so a new version is found on the
    /// next visit. 'self' in script-src (and default-src, which worker-src and manifest-src fall
    /// back to) already allows the worker and the manifest: the policy is unchanged.
    /// </summary>
    private static Task ServeWorker(HttpContext context, AppShell shell)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }
        var response = context.Response;
        response.ContentType = "text/javascript; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        var etag = $"\"{shell.Version}\"";
        response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.ContentLength = shell.WorkerScript.Length;
        if (HttpMethods.IsHead(context.Request.Method))
            return Task.CompletedTask;
        return response.Body.WriteAsync(shell.WorkerScript).AsTask();
    }

    /// <summary>
    /// Only this origin. CSP's 'self' does not cover ws:/wss: in every browser, so the WebSocket
    /// origin is spelled out from the Host the page was loaded from. A Host that is not a plain
    /// host[:port] is left out rather than copied into the header.
    /// </summary>
    internal static string ContentSecurityPolicy(HostString host)
    {
        var connect = "'self'";
        if (host.HasValue && PlainHost().IsMatch(host.Value))
            connect += $" ws://{host.Value} wss://{host.Value}";
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
            + $"connect-src {connect}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")]
    private static partial Regex PlainHost();
}
