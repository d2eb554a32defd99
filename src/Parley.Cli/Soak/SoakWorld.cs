namespace Parley.Cli.Soak;

/// <summary>What every client of a run shares: the settings, the ledger, the servers and the room and user names.</summary>
public sealed class SoakWorld(SoakSettings settings, SoakLedger ledger, IReadOnlyList<ParleyNode> nodes)
{
    public const string Password = "soak-password-1";

    public SoakSettings Settings { get; } = settings;

    public SoakLedger Ledger { get; } = ledger;

    public IReadOnlyList<ParleyNode> Nodes { get; } = nodes;

    public IReadOnlyList<string> Rooms { get; } = [.. Enumerable.Range(0, settings.Rooms).Select(i => $"soak{i}")];

    /// <summary>Native users that chat, the partners of direct messages; filled during setup.</summary>
    public List<string> Chatters { get; } = [];

    /// <summary>Room names as the server spells them (the default room's, read at sign-in).</summary>
    public string DefaultRoom { get; set; } = "lobby";
}
