using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Connect.Bridge.Hosting;

namespace Connect.Bridge.Native;

/// <summary>
/// Refuses calls made in a forked child of a process that already used the library. The runtime's threads (thread
/// pool, socket engine, finalizer) do not survive fork(), so a send in the child would wait for them forever
/// (measured: still running at 15 s with a 3 s timeout). Every export asks <see cref="InChild"/> first.
/// </summary>
/// <remarks>
/// The check is one getpid() system call compared with the process id recorded at the first call: no lock, no
/// allocation, no runtime thread. The child's answer (status -1 and a text from the core) is rendered in the parent at
/// that first call, so the child copies bytes and never allocates (an allocation could start a garbage collection,
/// which would wait for threads the child does not have). An atfork handler would run managed code inside fork():
/// not safe, so none is used. Linux only: Windows has no fork.
/// </remarks>
internal static unsafe class ForkGuard
{
    /// <summary>The process that first called the library; 0 until then.</summary>
    private static int s_ownerPid;

    // The refusal, in both languages and both encodings, rendered before the owner is published.
    private static string? s_textRu, s_textEn;
    private static byte[]? s_utf8Ru, s_utf8En;

    /// <summary>True when this call runs in a process other than the one that first used the library (a forked child).</summary>
    public static bool InChild()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        int pid = LinuxPid();
        int owner = Volatile.Read(ref s_ownerPid);
        if (owner == pid)
        {
            return false;
        }

        if (owner != 0)
        {
            return true;
        }

        using (FpGuard.Enter())
        {
            Claim(pid);
        }

        return false;
    }

    /// <summary>A refused one-shot or sender-free call: the Russian text (there is no sender) into the buffer, and -1.</summary>
    public static int Refuse(void* buffer, int size, bool wide)
    {
        CopyText(ErrorLanguage.Russian, buffer, size, wide);
        return Status;
    }

    /// <summary>The status every refused call returns.</summary>
    public static int Status => BridgeStatus.InvalidArgument;

    /// <summary>Copies the refusal text in <paramref name="language"/> into a caller buffer, without allocating.</summary>
    /// <returns>The size needed including the NUL, or -1 for a negative size or a NULL buffer with room.</returns>
    public static int CopyText(ErrorLanguage language, void* buffer, int size, bool wide)
    {
        if (CallerBuffer.Check(buffer, size) != CallerBuffer.Fault.None)
        {
            return Status;
        }

        bool english = language == ErrorLanguage.English;
        return wide
            ? CallerBuffer.CopyUtf16((english ? s_textEn : s_textRu) ?? "", (char*)buffer, size)
            : CallerBuffer.CopyUtf8((english ? s_utf8En : s_utf8Ru) ?? [], (byte*)buffer, size);
    }

    /// <summary>The language of a sender's texts, read without allocating; Russian when there is no sender.</summary>
    public static ErrorLanguage LanguageOf(nint s)
    {
        try
        {
            return s != 0 && GCHandle.FromIntPtr(s).Target is BridgeSender sender ? sender.Language : ErrorLanguage.Russian;
        }
        catch (Exception)
        {
            return ErrorLanguage.Russian;
        }
    }

    private static void Claim(int pid)
    {
        // First call in this process (or a race of first calls, which render the same texts): prepare what a child
        // will need, including the statics cb_version and cb_version_number read, then publish the owner.
        string ru = BridgeErrors.UsedAfterFork(ErrorLanguage.Russian).ErrorText;
        string en = BridgeErrors.UsedAfterFork(ErrorLanguage.English).ErrorText;
        s_utf8Ru = System.Text.Encoding.UTF8.GetBytes(ru);
        s_utf8En = System.Text.Encoding.UTF8.GetBytes(en);
        s_textRu = ru;
        s_textEn = en;
        Exports.WarmStatics();
        Interlocked.CompareExchange(ref s_ownerPid, pid, 0);
    }

    /// <summary>
    /// Out of <see cref="InChild"/> on purpose: the JIT binds a [SuppressGCTransition] P/Invoke when it compiles the
    /// calling method, dead branch or not, and on Windows (no libc) a JIT-compiled caller threw DllNotFoundException
    /// from the first export called (seen when the DLL hosted the runtime; NativeAOT binds lazily, this keeps both safe).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LinuxPid() => Libc.getpid();

    private static class Libc
    {
        // Linked directly on Linux (DirectPInvoke in the project): no lazy lookup, and no GC transition for a call
        // that cannot block.
        [DllImport("libc", EntryPoint = "getpid")]
        [SuppressGCTransition]
        public static extern int getpid();
    }
}
