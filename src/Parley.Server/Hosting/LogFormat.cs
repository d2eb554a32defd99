namespace Parley.Server.Hosting;

/// <summary>How the console log (stderr) is written.</summary>
public enum LogFormat
{
    /// <summary>One plain line per entry, for people.</summary>
    Simple,

    /// <summary>One JSON object per line (Microsoft.Extensions.Logging's JSON console formatter), for log shippers.</summary>
    Json,
}
