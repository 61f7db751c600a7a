using System.Reflection;

namespace Connect.Bridge;

/// <summary>Facts about the library that every surface reports the same way.</summary>
public static class BridgeInfo
{
    /// <summary>The library version, e.g. "1.0.0" (no build metadata).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>
    /// <see cref="Version"/> as one number, SQLite's encoding: major * 1000000 + minor * 1000 + patch (1.2.3 is 1002003);
    /// what the native header's CB_VERSION_NUMBER and <c>cb_version_number()</c> give.
    /// </summary>
    public static int VersionNumber { get; } = Encode(Version);

    private static int Encode(string version)
    {
        string[] parts = version.Split('-', 2)[0].Split('.'); // "1.2.3-beta" counts as 1.2.3
        int Part(int i) => i < parts.Length && int.TryParse(parts[i], System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : 0;
        return Part(0) * 1_000_000 + Part(1) * 1_000 + Part(2);
    }

    private static string ReadVersion()
    {
        var assembly = typeof(BridgeInfo).Assembly;
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            int plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? informational : informational[..plus];
        }
        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
