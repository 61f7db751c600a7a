using System.Text;
using Connect.Bridge.Hosting;

namespace Connect.Bridge.Cli;

/// <summary>
/// Finds a command-line argument that is not well-formed text. On Linux the runtime decodes argv before <c>Main</c>
/// and silently turns invalid UTF-8 into U+FFFD, so the bytes are read again from <c>/proc/self/cmdline</c> (the
/// last <c>args.Length</c> entries are the arguments, checked against the decoded ones before anything is judged).
/// On Windows argv arrives as UTF-16, where only a lone surrogate is malformed.
/// </summary>
internal static class ArgvEncoding
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The index of the first malformed argument, or -1.</summary>
    public static int FirstMalformed(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
            if (!HostText.IsWellFormed(args[i])) return i;
        return FirstInvalidUtf8(args, ReadCmdline());
    }

    /// <summary>How a refusal names the argument: the option it belongs to, else its position (1-based).</summary>
    public static string Name(string[] args, int index) =>
        index > 0 && args[index - 1].StartsWith("--", StringComparison.Ordinal) && !args[index].StartsWith("--", StringComparison.Ordinal)
            ? args[index - 1]
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"argument {index + 1}");

    internal static int FirstInvalidUtf8(string[] args, List<byte[]>? cmdline)
    {
        if (cmdline is null || cmdline.Count < args.Length) return -1;
        int offset = cmdline.Count - args.Length;
        int first = -1;
        for (int i = 0; i < args.Length; i++)
        {
            byte[] raw = cmdline[offset + i];
            bool valid = TryDecode(raw, out string? decoded);
            // The entries must be the same arguments, or nothing is judged (a host that rewrote argv).
            if (valid ? decoded != args[i] : Encoding.UTF8.GetString(raw) != args[i]) return -1;
            if (!valid && first < 0) first = i;
        }
        return first;
    }

    private static bool TryDecode(byte[] raw, out string? text)
    {
        try
        {
            text = Strict.GetString(raw);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return false;
        }
    }

    private static List<byte[]>? ReadCmdline()
    {
        byte[] all;
        try
        {
            if (!OperatingSystem.IsLinux()) return null;
            all = File.ReadAllBytes("/proc/self/cmdline");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var entries = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < all.Length; i++)
        {
            if (all[i] != 0) continue;
            entries.Add(all[start..i]);
            start = i + 1;
        }
        if (start < all.Length) entries.Add(all[start..]);
        return entries;
    }
}
