using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Parley.Server.Observability;

/// <summary>
/// A listener Kestrel runs (http, https, tcp+tls, irc+tls), as <c>/readyz</c> checks it: up once
/// bound; a TLS one also needs its certificate in service to be within its validity.
/// <paramref name="Listener"/> is read at each check, as Kestrel fills it in only as it starts.
/// </summary>
public sealed record KestrelListenerCheck(string Name, Func<ListenOptions?> Listener, bool Tls);
