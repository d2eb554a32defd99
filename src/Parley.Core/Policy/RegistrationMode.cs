namespace Parley.Core.Policy;

/// <summary>
/// Who may make an account with <c>register</c>. Set by the host from the Registration setting.
/// The operator makes accounts in every mode (<c>parley admin create</c>). IRC guests are
/// accounts of a connection's length: closed and invite refuse them too (<c>registration_closed</c>),
/// whatever <see cref="GuestPolicy"/> says; open lets <see cref="GuestPolicy"/> decide.
/// </summary>
public enum RegistrationMode
{
    /// <summary>Anyone.</summary>
    Open,

    /// <summary>Nobody: <c>register</c> is refused (<c>registration_closed</c>); only the operator makes accounts.</summary>
    Closed,

    /// <summary>Whoever has a valid invitation code from the operator (<c>parley admin invite</c>).</summary>
    Invite,
}
