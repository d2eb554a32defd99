namespace Parley.Core.Model;

/// <summary>
/// Names in the order people expect: ignoring case, and a run of digits by its value, so
/// <c>u_2</c> comes before <c>u_10</c> (an ordinal sort gives <c>u_1, u_10, u_11, …, u_2</c>).
/// Names that differ only in case or in leading zeros fall back to an ordinal comparison, so the
/// order is total and the same on every node.
/// </summary>
public sealed class NaturalNameOrder : IComparer<string>
{
    public static readonly NaturalNameOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return -1;
        if (y is null)
            return 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var byValue = CompareNumbers(x, ref i, y, ref j);
                if (byValue != 0)
                    return byValue;
                continue;
            }
            var a = char.ToLowerInvariant(x[i++]);
            var b = char.ToLowerInvariant(y[j++]);
            if (a != b)
                return a.CompareTo(b);
        }
        var byLength = (x.Length - i).CompareTo(y.Length - j);
        return byLength != 0 ? byLength : string.CompareOrdinal(x, y);
    }

    // Compares the digit runs starting at i and j by value (leading zeros ignored) and moves past them.
    private static int CompareNumbers(string x, ref int i, string y, ref int j)
    {
        while (i < x.Length - 1 && x[i] == '0' && char.IsAsciiDigit(x[i + 1]))
            i++;
        while (j < y.Length - 1 && y[j] == '0' && char.IsAsciiDigit(y[j + 1]))
            j++;
        var startX = i;
        var startY = j;
        while (i < x.Length && char.IsAsciiDigit(x[i]))
            i++;
        while (j < y.Length && char.IsAsciiDigit(y[j]))
            j++;
        var byDigits = (i - startX).CompareTo(j - startY);
        return byDigits != 0 ? byDigits : string.CompareOrdinal(x, startX, y, startY, i - startX);
    }
}
