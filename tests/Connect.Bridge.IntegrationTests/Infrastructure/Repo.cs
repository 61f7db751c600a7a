using System.Text.RegularExpressions;

namespace Connect.Bridge.IntegrationTests.Infrastructure;

/// <summary>The repository the suites test: its root, artifacts folder and version.</summary>
public static partial class Repo
{
    public static string Root => RepoPaths.Root;

    public static string Artifacts => Path.Combine(Root, "artifacts");

    /// <summary>Directory.Build.props' version, e.g. 1.0.0.</summary>
    public static string Version { get; } =
        VersionElement().Match(File.ReadAllText(Path.Combine(Root, "Directory.Build.props"))).Groups[1].Value;

    /// <summary>CB_VERSION_NUMBER's form: major * 1 000 000 + minor * 1 000 + patch.</summary>
    public static int VersionNumber => Version.Split('.').Select(int.Parse).Aggregate(0, (n, part) => n * 1000 + part);

    /// <summary>CI is set (any value): what could only be skipped locally fails.</summary>
    public static bool InCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static bool IsRoot => Environment.UserName == "root";

    [GeneratedRegex(@"<Version>(\d+\.\d+\.\d+)</Version>")]
    private static partial Regex VersionElement();
}
