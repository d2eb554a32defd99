namespace Parley.Core.Model;

/// <param name="Secret">Left out of room lists for those not in it (<see cref="RoomSetting.Secret"/>): only its members see it, and this.</param>
public sealed record RoomSummary(string Name, string Topic, int Members, bool Joined, bool Secret = false);
