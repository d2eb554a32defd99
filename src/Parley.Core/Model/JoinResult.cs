namespace Parley.Core.Model;

public sealed record JoinResult(string Room, string Topic, IReadOnlyList<MemberInfo> Members);
