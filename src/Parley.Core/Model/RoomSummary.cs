namespace Parley.Core.Model;

public sealed record RoomSummary(string Name, string Topic, int Members, bool Joined);
