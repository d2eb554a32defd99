namespace Parley.Web.Tests.Support;

public static class RepoPaths
{
    /// <summary>The checkout's root: the first folder above the test assembly that holds Parley.sln.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Parley.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no Parley.sln above {AppContext.BaseDirectory}");
    }
}
