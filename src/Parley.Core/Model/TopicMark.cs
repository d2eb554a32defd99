namespace Parley.Core.Model;

/// <summary>Who set a room's topic, and when (IRC's RPL_TOPICWHOTIME); <paramref name="By"/> is null when not known.</summary>
public sealed record TopicMark(string? By, DateTimeOffset At);
