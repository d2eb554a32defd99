namespace Parley.Cli.Admin;

/// <summary>A failure of <c>parley admin</c> whose message says what to do; printed as one line, exit code 1.</summary>
public sealed class AdminException(string message) : Exception(message);
