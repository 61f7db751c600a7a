using System.Reflection;

namespace Connect.Bridge;

/// <summary>Facts about the library that every surface reports the same way.</summary>
public static class BridgeInfo
{
    /// <summary>The library version, e.g. "1.0.0" (no build metadata).</summary>
    public static string Version { get; } = ReadVersion();

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
