namespace Parley.Core.Model;

/// <summary>An invitation the operator just made: the code to hand out (shown this once: only its hash is kept), its uses and expiry.</summary>
public sealed record InvitationCode(string Code, int Uses, DateTimeOffset? Expires);
