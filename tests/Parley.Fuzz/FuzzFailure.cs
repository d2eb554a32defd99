namespace Parley.Fuzz;

/// <summary>
/// A property the fuzzer checks did not hold (not an exception out of the codec, but a wrong
/// answer): thrown so that afl records the input as a crash.
/// </summary>
public sealed class FuzzFailure(string message) : Exception(message);
