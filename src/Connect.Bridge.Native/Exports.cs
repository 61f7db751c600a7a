using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Connect.Bridge.Hosting;

namespace Connect.Bridge.Native;

/// <summary>
/// The C exports declared in native/include/connect_bridge.h. Each one is a thin adapter: it decodes the
/// caller's strings, calls the core (all through <see cref="Core"/> below), and copies the error text out.
/// Validation and error wording live in the core (<see cref="BridgeSender"/>, <see cref="BridgeErrors"/>).
/// Every export first refuses a forked child (<see cref="ForkGuard"/>), then catches everything: no exception
/// crosses the boundary.
/// The form (public static, UnmanagedCallersOnly with an entry point, blittable parameters) is also the
/// one DNNE consumes; the entry-point names are the exports of connect_bridge.h and the add-in: keep them stable.
/// Stdcall only matters on 32-bit Windows; elsewhere it is the platform's C convention.
/// </summary>
public static unsafe class Exports
{
    /// <summary>Language of texts that belong to no sender (NULL handle, one-shot decoding failures).</summary>
    private const ErrorLanguage DefaultLanguage = ErrorLanguage.Russian;

    [UnmanagedCallersOnly(EntryPoint = "cb_version", CallConvs = [typeof(CallConvStdcall)])]
    public static byte* Version()
    {
        ForkGuard.InChild(); // a static string: also right in a forked child, once the first call (this one) rendered it
        return (byte*)Boundary.Run((nint)StaticText.Unknown, () => (nint)StaticText.Version);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_version_number", CallConvs = [typeof(CallConvStdcall)])]
    public static int VersionNumber()
    {
        ForkGuard.InChild(); // a number read from a static: also right in a forked child
        return Boundary.Run(0, () => BridgeInfo.VersionNumber);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_status_text", CallConvs = [typeof(CallConvStdcall)])]
    public static int StatusText(int status, byte* language, byte* buffer, int bufferSize)
    {
        if (ForkGuard.InChild()) return ForkGuard.Refuse(buffer, bufferSize, wide: false);
        return Boundary.Run(BridgeStatus.InternalError, () => StatusTextCore(status, NativeString.Utf8(language), buffer, bufferSize, wide: false));
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_status_text_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int StatusTextW(int status, ushort* language, ushort* buffer, int bufferChars)
    {
        if (ForkGuard.InChild()) return ForkGuard.Refuse(buffer, bufferChars, wide: true);
        return Boundary.Run(BridgeStatus.InternalError, () => StatusTextCore(status, NativeString.Utf16(language), buffer, bufferChars, wide: true));
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_sender_create", CallConvs = [typeof(CallConvStdcall)])]
    public static nint SenderCreate()
    {
        if (ForkGuard.InChild()) return 0;
        // NULL on failure: the header promises it only when memory is exhausted; nothing else can fail here.
        return Boundary.Run<nint>(0, () => GCHandle.ToIntPtr(GCHandle.Alloc(Core.Create())));
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_sender_destroy", CallConvs = [typeof(CallConvStdcall)])]
    public static void SenderDestroy(nint s)
    {
        if (ForkGuard.InChild()) return; // the handle belongs to the parent's runtime: leave it alone
        // Nothing to report to: destroy has no status. A foreign pointer is undefined behaviour anyway.
        Boundary.Run(() =>
        {
            if (s != 0)
            {
                GCHandle handle = GCHandle.FromIntPtr(s);
                (handle.Target as IDisposable)?.Dispose();
                handle.Free();
            }
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_set_option", CallConvs = [typeof(CallConvStdcall)])]
    public static int SetOption(nint s, int option, byte* value)
    {
        if (ForkGuard.InChild()) return ForkGuard.Status;
        return OnSender(s, [NativeString.Utf8(value)], Names.SetOption, option, Core.SetOption, Core.RefuseOption);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_set_option_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int SetOptionW(nint s, int option, ushort* value)
    {
        if (ForkGuard.InChild()) return ForkGuard.Status;
        return OnSender(s, [NativeString.Utf16(value)], Names.SetOption, option, Core.SetOption, Core.RefuseOption);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_set_keyboard", CallConvs = [typeof(CallConvStdcall)])]
    public static int SetKeyboard(nint s, byte* keyboard, int format)
    {
        if (ForkGuard.InChild()) return ForkGuard.Status;
        return OnSender(s, [NativeString.Utf8(keyboard)], Names.SetKeyboard, format, Core.SetKeyboard, Core.RefuseKeyboard);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_set_keyboard_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int SetKeyboardW(nint s, ushort* keyboard, int format)
    {
        if (ForkGuard.InChild()) return ForkGuard.Status;
        return OnSender(s, [NativeString.Utf16(keyboard)], Names.SetKeyboard, format, Core.SetKeyboard, Core.RefuseKeyboard);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_send_message", CallConvs = [typeof(CallConvStdcall)])]
    public static int SendMessage(nint s, byte* lineId, byte* userId, byte* text)
    {
        if (ForkGuard.InChild()) return ForkGuard.Status;
        return OnSender(s, [NativeString.Utf8(lineId), NativeString.Utf8(userId), NativeString.Utf8(text)],
            Names.SendMessage, 0, Core.SendMessage, Core.RefuseCall);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_send_message_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int SendMessageW(nint s, ushort* lineId, ushort* userId, ushort* text)
    {
        if (ForkGuard.InChild()) return ForkGuard.Status;
        return OnSender(s, [NativeString.Utf16(lineId), NativeString.Utf16(userId), NativeString.Utf16(text)],
            Names.SendMessage, 0, Core.SendMessage, Core.RefuseCall);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_drop_keyboard", CallConvs = [typeof(CallConvStdcall)])]
    public static int DropKeyboard(nint s, byte* lineId, byte* userId)
    {
        if (ForkGuard.InChild()) return ForkGuard.Status;
        return OnSender(s, [NativeString.Utf8(lineId), NativeString.Utf8(userId)], Names.DropKeyboard, 0, Core.DropKeyboard, Core.RefuseCall);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_drop_keyboard_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int DropKeyboardW(nint s, ushort* lineId, ushort* userId)
    {
        if (ForkGuard.InChild()) return ForkGuard.Status;
        return OnSender(s, [NativeString.Utf16(lineId), NativeString.Utf16(userId)], Names.DropKeyboard, 0, Core.DropKeyboard, Core.RefuseCall);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_last_status", CallConvs = [typeof(CallConvStdcall)])]
    public static int LastStatus(nint s)
    {
        if (ForkGuard.InChild()) return ForkGuard.Status;
        return Boundary.Run(BridgeStatus.InternalError, () =>
            Resolve(s) is { } sender ? Core.Last(sender).Status : BridgeErrors.NullHandle(DefaultLanguage).Status);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_last_error", CallConvs = [typeof(CallConvStdcall)])]
    public static int LastError(nint s, byte* buffer, int bufferSize)
    {
        if (ForkGuard.InChild()) return ForkGuard.CopyText(ForkGuard.LanguageOf(s), buffer, bufferSize, wide: false);
        using var fp = FpGuard.Enter();
        return LastErrorCore(s, buffer, bufferSize, wide: false);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_last_error_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int LastErrorW(nint s, ushort* buffer, int bufferChars)
    {
        if (ForkGuard.InChild()) return ForkGuard.CopyText(ForkGuard.LanguageOf(s), buffer, bufferChars, wide: true);
        using var fp = FpGuard.Enter();
        return LastErrorCore(s, buffer, bufferChars, wide: true);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_send", CallConvs = [typeof(CallConvStdcall)])]
    public static int Send(byte* baseUrl, byte* login, byte* password, byte* lineId, byte* userId, byte* text,
        byte* keyboard, int keyboardFormat, byte* errorBuffer, int errorBufferSize)
    {
        if (ForkGuard.InChild()) return ForkGuard.Refuse(errorBuffer, errorBufferSize, wide: false);
        using var fp = FpGuard.Enter();
        return SendOnceCore(
            [NativeString.Utf8(baseUrl), NativeString.Utf8(login), NativeString.Utf8(password), NativeString.Utf8(lineId),
             NativeString.Utf8(userId), NativeString.Utf8(text), NativeString.Utf8(keyboard)],
            keyboardFormat, errorBuffer, errorBufferSize, wide: false);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_send_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int SendW(ushort* baseUrl, ushort* login, ushort* password, ushort* lineId, ushort* userId, ushort* text,
        ushort* keyboard, int keyboardFormat, ushort* errorBuffer, int errorBufferChars)
    {
        if (ForkGuard.InChild()) return ForkGuard.Refuse(errorBuffer, errorBufferChars, wide: true);
        using var fp = FpGuard.Enter();
        return SendOnceCore(
            [NativeString.Utf16(baseUrl), NativeString.Utf16(login), NativeString.Utf16(password), NativeString.Utf16(lineId),
             NativeString.Utf16(userId), NativeString.Utf16(text), NativeString.Utf16(keyboard)],
            keyboardFormat, errorBuffer, errorBufferChars, wide: true);
    }

    /// <summary>Touches the statics a forked child may read (<see cref="ForkGuard"/> calls it at the first call).</summary>
    internal static void WarmStatics()
    {
        _ = StaticText.Version;
        _ = BridgeInfo.VersionNumber;
    }

    // ---- every call into the core, in one place ------------------------------------------------------

    /// <summary>The core entry points the exports use (one line each), so that a change of the core's API is one edit here.</summary>
    private static class Core
    {
        public static BridgeSender Create() => new();

        public static SendOutcome Last(BridgeSender sender) => sender.LastOutcome;

        public static SendOutcome Record(BridgeSender sender, SendOutcome outcome) => sender.Record(outcome);

        // A badly encoded value refuses its setting (sticky until set again); for a call it is that call's outcome.
        public static SendOutcome RefuseOption(BridgeSender sender, int option, SendOutcome refusal) => sender.RefuseOption(option, refusal);

        public static SendOutcome RefuseKeyboard(BridgeSender sender, int format, SendOutcome refusal) => sender.RefuseKeyboard(refusal);

        public static SendOutcome RefuseCall(BridgeSender sender, int unused, SendOutcome refusal) => sender.Record(refusal);

        public static SendOutcome SetOption(BridgeSender sender, string?[] args, int option) =>
            sender.SetOption(option, args[0]);

        public static SendOutcome SetKeyboard(BridgeSender sender, string?[] args, int format) =>
            sender.SetKeyboard(args[0], (KeyboardFormat)format);

        public static SendOutcome SendMessage(BridgeSender sender, string?[] args, int unused) => sender.Send(args[0], args[1], args[2]);

        public static SendOutcome DropKeyboard(BridgeSender sender, string?[] args, int unused) => sender.DropKeyboard(args[0], args[1]);

        public static SendOutcome SendOnce(string?[] args, int keyboardFormat) =>
            BridgeSender.SendOnce(args[0], args[1], args[2], args[3], args[4], args[5], args[6], (KeyboardFormat)keyboardFormat);
    }

    // ---- shared bodies ---------------------------------------------------------------------------------

    /// <summary>Parameter names as the header spells them, used in encoding errors.</summary>
    private static class Names
    {
        public static readonly string[] SetOption = ["value"];
        public static readonly string[] SetKeyboard = ["keyboard"];
        public static readonly string[] SendMessage = ["line_id", "user_id", "text"];
        public static readonly string[] DropKeyboard = ["line_id", "user_id"];
        public static readonly string[] SendOnce = ["base_url", "login", "password", "line_id", "user_id", "text", "keyboard"];
    }

    /// <summary>
    /// The body of every call on a sender: resolve the handle (a NULL one is refused), then, by the hosting layer's
    /// policy (<see cref="BridgeSender.Invoke"/>: one call at a time, an exception recorded as -5), decode the string
    /// arguments (the first badly encoded one is recorded as the sender's error, by its header name) and run the core
    /// call. Returns the status.
    /// </summary>
    private static int OnSender(nint s, NativeString[] args, string[] names, int number,
        Func<BridgeSender, string?[], int, SendOutcome> call, Func<BridgeSender, int, SendOutcome, SendOutcome> refuse) =>
        Boundary.Run(BridgeStatus.InternalError, () =>
        {
            if (Resolve(s) is not { } sender)
            {
                return BridgeErrors.NullHandle(DefaultLanguage).Status;
            }

            return sender.Invoke(() =>
            {
                var values = new string?[args.Length];
                for (int i = 0; i < args.Length; i++)
                {
                    if (!args[i].TryDecode(out values[i]))
                    {
                        return refuse(sender, number, BridgeErrors.InvalidEncoding(names[i], sender.Language));
                    }
                }

                return call(sender, values, number);
            }).Outcome.Status;
        });

    private static int StatusTextCore(int status, NativeString language, void* buffer, int size, bool wide)
    {
        if (BufferProblem(buffer, size, DefaultLanguage) is { } problem)
        {
            return problem.Status; // no sender to record it on: the status says it
        }

        if (!language.TryDecode(out string? name) || BridgeErrors.StatusText(status, name) is not { } text)
        {
            return BridgeStatus.InvalidArgument; // a language the library has no texts in
        }

        return CopyOut(text, buffer, size, wide);
    }

    private static int LastErrorCore(nint s, void* buffer, int size, bool wide)
    {
        BridgeSender? sender = null;
        try
        {
            sender = Resolve(s);
            if (BufferProblem(buffer, size, sender?.Language ?? DefaultLanguage) is { } problem)
            {
                return sender is null ? problem.Status : Core.Record(sender, problem).Status;
            }

            string text = sender is null ? BridgeErrors.NullHandle(DefaultLanguage).ErrorText : Core.Last(sender).ErrorText;
            return CopyOut(text, buffer, size, wide);
        }
        catch (Exception ex)
        {
            return Fail(sender, ex);
        }
    }

    private static int SendOnceCore(ReadOnlySpan<NativeString> args, int keyboardFormat, void* errorBuffer, int errorBufferSize, bool wide)
    {
        try
        {
            if (BufferProblem(errorBuffer, errorBufferSize, DefaultLanguage) is { } problem)
            {
                return problem.Status; // nothing sent, and nowhere to write a text
            }

            var values = new string?[args.Length];
            SendOutcome? outcome = null;
            for (int i = 0; i < args.Length && outcome is null; i++)
            {
                if (!args[i].TryDecode(out values[i]))
                {
                    outcome = BridgeErrors.InvalidEncoding(Names.SendOnce[i], DefaultLanguage);
                }
            }

            outcome ??= Core.SendOnce(values, keyboardFormat);
            CopyOut(outcome.ErrorText, errorBuffer, errorBufferSize, wide);
            return outcome.Status;
        }
        catch (Exception ex)
        {
            SendOutcome internalError = BridgeErrors.Internal(ex, DefaultLanguage);
            try
            {
                if (BufferProblem(errorBuffer, errorBufferSize, DefaultLanguage) is null)
                {
                    CopyOut(internalError.ErrorText, errorBuffer, errorBufferSize, wide);
                }
            }
            catch (Exception)
            {
                // the status alone must do
            }

            return internalError.Status;
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static BridgeSender? Resolve(nint s) => s == 0 ? null : (BridgeSender?)GCHandle.FromIntPtr(s).Target;

    /// <summary>The failure to report for a buffer <see cref="CallerBuffer"/> refuses, else null.</summary>
    private static SendOutcome? BufferProblem(void* buffer, int size, ErrorLanguage language) => CallerBuffer.Check(buffer, size) switch
    {
        CallerBuffer.Fault.NegativeSize => BridgeErrors.InvalidBufferSize(language),
        CallerBuffer.Fault.NullWithRoom => BridgeErrors.NullArgument("buffer", language),
        _ => null,
    };

    private static int CopyOut(string text, void* buffer, int size, bool wide) => CallerBuffer.Copy(text, buffer, size, wide);

    /// <summary>An unexpected exception: recorded on the sender when there is one; its status returned.</summary>
    private static int Fail(BridgeSender? sender, Exception ex)
    {
        try
        {
            return sender is null ? BridgeErrors.Internal(ex, DefaultLanguage).Status : sender.RecordInternal(ex).Status;
        }
        catch (Exception)
        {
            return BridgeStatus.InternalError;
        }
    }

    /// <summary>Static strings handed out to C; allocated once, never freed.</summary>
    private static class StaticText
    {
        public static readonly byte* Version = NativeText.AllocStatic(BridgeInfo.Version);

        public static byte* Unknown => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference("0.0.0\0"u8));
    }
}
