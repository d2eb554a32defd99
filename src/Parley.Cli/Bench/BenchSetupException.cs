namespace Parley.Cli.Bench;

/// <summary>A bench connection could not be set up; the message says what to check.</summary>
public sealed class BenchSetupException(string message, Exception? inner = null) : Exception(message, inner);
