using Parley.Fuzz;
using SharpFuzz;

// One codec per run: `Parley.Fuzz json|irc|peer`. Under afl-fuzz (instrumented, see
// docs/reliability.md) the input comes from afl; run by hand with a file on standard input, it
// runs that one input once, which is how a crash afl found is replayed.
if (args.Length != 1 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Parley.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}>");
    return 2;
}
if (Environment.GetEnvironmentVariable("__AFL_SHM_ID") is null)
{
    using var input = Console.OpenStandardInput();
    target(input);
    return 0;
}
Fuzzer.OutOfProcess.Run(stream => target(stream));
return 0;
