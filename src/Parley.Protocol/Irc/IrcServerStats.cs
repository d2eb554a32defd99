namespace Parley.Protocol.Irc;

/// <summary>Counts LUSERS reports that only the gateway knows: IRC operators, +i users, the most users seen. Interlocked; shared by every session.</summary>
public sealed class IrcServerStats
{
    private int _operators;
    private int _invisible;
    private int _maxUsers;

    public int Operators => Volatile.Read(ref _operators);

    public int Invisible => Volatile.Read(ref _invisible);

    public void OperatorChanged(bool now) => Interlocked.Add(ref _operators, now ? 1 : -1);

    public void InvisibleChanged(bool now) => Interlocked.Add(ref _invisible, now ? 1 : -1);

    /// <summary>Records <paramref name="users"/> as seen and returns the most seen so far.</summary>
    public int SeenUsers(int users)
    {
        var max = Volatile.Read(ref _maxUsers);
        while (users > max)
        {
            var was = Interlocked.CompareExchange(ref _maxUsers, users, max);
            if (was == max)
                return users;
            max = was;
        }
        return max;
    }
}
