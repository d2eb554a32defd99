namespace Parley.Cli.Soak;

/// <summary>The run could not be set up or could not go on (a process would not start, a client could not sign in): not an invariant failure.</summary>
public sealed class SoakSetupException(string message, Exception? inner = null) : Exception(message, inner);
