namespace Parley.Web.Tests.Support;

/// <summary>The two sizes the client is made for (issue 4).</summary>
public static class Viewports
{
    public static readonly (int Width, int Height) Desktop = (1280, 800);
    public static readonly (int Width, int Height) Phone = (390, 844);
}
