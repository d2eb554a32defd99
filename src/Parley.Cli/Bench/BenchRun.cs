namespace Parley.Cli.Bench;

/// <summary>What every connection of one run shares: the settings, the current phase, the stop flag and the first errors.</summary>
public sealed class BenchRun(BenchSettings settings)
{
    private const int KeptErrors = 5;
    private readonly List<string> _errors = [];
    private Phase? _phase;

    public BenchSettings Settings { get; } = settings;

    /// <summary>The phase the receive loops count into; null while setting up or draining between phases.</summary>
    public Phase? CurrentPhase
    {
        get => Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, value);
    }

    /// <summary>Set while bigroom's --restart stops the server and everyone reconnects: closes and failed sends are expected then, not errors.</summary>
    public bool Restarting
    {
        get => Volatile.Read(ref _restarting);
        set => Volatile.Write(ref _restarting, value);
    }

    private bool _restarting;

    /// <summary>Set when the run is ending: closes are expected then, not errors.</summary>
    public bool Stopping { get; set; }

    public void NoteError(string error)
    {
        lock (_errors)
        {
            if (_errors.Count < KeptErrors)
                _errors.Add(error);
        }
    }

    public IReadOnlyList<string> FirstErrors
    {
        get
        {
            lock (_errors)
                return [.. _errors];
        }
    }
}
