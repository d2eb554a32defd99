namespace Parley.Protocol.Irc;

/// <summary>One row of the IRC command table: fewest parameters, whether it may come before registration, and its handler.</summary>
internal sealed record IrcCommand(int MinParams, bool BeforeRegistration, Func<IrcSession, IrcMessage, Task> Run);
