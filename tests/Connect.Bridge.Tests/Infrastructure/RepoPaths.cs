namespace Connect.Bridge.Tests.Infrastructure;

/// <summary>Paths in the repository the tests read data from (tests/corpus) and write reports to (artifacts/).</summary>
public static class RepoPaths
{
    /// <summary>The repository root: the first directory above the test binaries that holds Bridge.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Corpus => Path.Combine(Root, "tests", "corpus");

    /// <summary>artifacts/reliability/ (git-ignored), created on first use.</summary>
    public static string Reports
    {
        get
        {
            string dir = Path.Combine(Root, "artifacts", "reliability");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bridge.sln"))) return dir.FullName;
        throw new InvalidOperationException("Bridge.sln not found above " + AppContext.BaseDirectory);
    }
}
