namespace Parley.Core.Model;

public sealed record MemberInfo(string User, bool Online);
