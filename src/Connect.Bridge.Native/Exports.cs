using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Connect.Bridge.Adapters;

namespace Connect.Bridge.Native;

/// <summary>
/// The C exports declared in native/include/connect_bridge.h. Each one is a thin adapter: it decodes the
/// caller's strings, calls <see cref="BridgeSender"/>, and copies the error text out. Validation and
/// error wording live in the core (<see cref="BridgeSender"/>, <see cref="BridgeErrors"/>).
/// Every export catches everything: no exception crosses the boundary.
/// The form (public static, UnmanagedCallersOnly with an entry point, blittable parameters) is also the
/// one DNNE consumes. Stdcall only matters on 32-bit Windows; elsewhere it is the platform's C convention.
/// </summary>
public static unsafe class Exports
{
    /// <summary>Language of texts that belong to no sender (NULL handle, one-shot decoding failures).</summary>
    private const ErrorLanguage DefaultLanguage = ErrorLanguage.Russian;

    [UnmanagedCallersOnly(EntryPoint = "cb_version", CallConvs = [typeof(CallConvStdcall)])]
    public static byte* Version()
    {
        using var fp = FpGuard.Enter();
        try
        {
            return StaticText.Version;
        }
        catch (Exception)
        {
            return StaticText.Unknown;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_sender_create", CallConvs = [typeof(CallConvStdcall)])]
    public static nint SenderCreate()
    {
        using var fp = FpGuard.Enter();
        try
        {
            return GCHandle.ToIntPtr(GCHandle.Alloc(new BridgeSender()));
        }
        catch (Exception)
        {
            return 0; // the header promises NULL only when memory is exhausted; nothing else can fail here
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_sender_destroy", CallConvs = [typeof(CallConvStdcall)])]
    public static void SenderDestroy(nint s)
    {
        using var fp = FpGuard.Enter();
        try
        {
            if (s != 0)
            {
                GCHandle handle = GCHandle.FromIntPtr(s);
                (handle.Target as IDisposable)?.Dispose();
                handle.Free();
            }
        }
        catch (Exception)
        {
            // Nothing to report to: destroy has no status. A foreign pointer is undefined behaviour anyway.
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_set_option", CallConvs = [typeof(CallConvStdcall)])]
    public static int SetOption(nint s, int option, byte* value)
    {
        using var fp = FpGuard.Enter();
        return SetOptionCore(s, option, NativeString.Utf8(value));
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_set_option_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int SetOptionW(nint s, int option, ushort* value)
    {
        using var fp = FpGuard.Enter();
        return SetOptionCore(s, option, NativeString.Utf16(value));
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_set_keyboard", CallConvs = [typeof(CallConvStdcall)])]
    public static int SetKeyboard(nint s, byte* keyboard, int format)
    {
        using var fp = FpGuard.Enter();
        return SetKeyboardCore(s, NativeString.Utf8(keyboard), format);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_set_keyboard_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int SetKeyboardW(nint s, ushort* keyboard, int format)
    {
        using var fp = FpGuard.Enter();
        return SetKeyboardCore(s, NativeString.Utf16(keyboard), format);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_send_message", CallConvs = [typeof(CallConvStdcall)])]
    public static int SendMessage(nint s, byte* lineId, byte* userId, byte* text)
    {
        using var fp = FpGuard.Enter();
        return SendMessageCore(s, NativeString.Utf8(lineId), NativeString.Utf8(userId), NativeString.Utf8(text));
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_send_message_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int SendMessageW(nint s, ushort* lineId, ushort* userId, ushort* text)
    {
        using var fp = FpGuard.Enter();
        return SendMessageCore(s, NativeString.Utf16(lineId), NativeString.Utf16(userId), NativeString.Utf16(text));
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_drop_keyboard", CallConvs = [typeof(CallConvStdcall)])]
    public static int DropKeyboard(nint s, byte* lineId, byte* userId)
    {
        using var fp = FpGuard.Enter();
        return DropKeyboardCore(s, NativeString.Utf8(lineId), NativeString.Utf8(userId));
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_drop_keyboard_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int DropKeyboardW(nint s, ushort* lineId, ushort* userId)
    {
        using var fp = FpGuard.Enter();
        return DropKeyboardCore(s, NativeString.Utf16(lineId), NativeString.Utf16(userId));
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_last_status", CallConvs = [typeof(CallConvStdcall)])]
    public static int LastStatus(nint s)
    {
        using var fp = FpGuard.Enter();
        try
        {
            BridgeSender? sender = Resolve(s);
            return sender is null ? BridgeErrors.NullHandle(DefaultLanguage).Status : sender.LastOutcome.Status;
        }
        catch (Exception ex)
        {
            return BridgeErrors.Internal(ex, DefaultLanguage).Status;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_last_error", CallConvs = [typeof(CallConvStdcall)])]
    public static int LastError(nint s, byte* buffer, int bufferSize)
    {
        using var fp = FpGuard.Enter();
        return LastErrorCore(s, buffer, bufferSize, wide: false);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_last_error_w", CallConvs = [typeof(CallConvStdcall)])]
    public static int LastErrorW(nint s, ushort* buffer, int bufferChars)
    {
        using var fp = FpGuard.Enter();
        return LastErrorCore(s, buffer, bufferChars, wide: true);
    }

    [UnmanagedCallersOnly(EntryPoint = "cb_send", CallConvs = [typeof(CallConvStdcall)])]
    public static int Send(byte* baseUrl, byte* login, byte* password, byte* lineId, byte* userId, byte* text,
        byte* keyboard, int keyboardFormat, byte* errorBuffer, int errorBufferSize)
    {
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
        using var fp = FpGuard.Enter();
        return SendOnceCore(
            [NativeString.Utf16(baseUrl), NativeString.Utf16(login), NativeString.Utf16(password), NativeString.Utf16(lineId),
             NativeString.Utf16(userId), NativeString.Utf16(text), NativeString.Utf16(keyboard)],
            keyboardFormat, errorBuffer, errorBufferChars, wide: true);
    }

    // ---- shared bodies of the UTF-8 and UTF-16 twins -------------------------------------------------

    /// <summary>Parameter names as the header spells them, used in encoding errors.</summary>
    private static class Names
    {
        public const string Value = "value", Keyboard = "keyboard", LineId = "line_id", UserId = "user_id", Text = "text";
        public static readonly string[] SendOnce = ["base_url", "login", "password", LineId, UserId, Text, Keyboard];
    }

    private static int SetOptionCore(nint s, int option, NativeString value)
    {
        BridgeSender? sender = null;
        try
        {
            sender = Resolve(s);
            if (sender is null)
            {
                return BridgeErrors.NullHandle(DefaultLanguage).Status;
            }

            if (!value.TryDecode(out string? text))
            {
                return sender.RefuseOption(option, BridgeErrors.InvalidEncoding(Names.Value, sender.Language)).Status;
            }

            return sender.SetOption(option, text).Status;
        }
        catch (Exception ex)
        {
            return Fail(sender, ex);
        }
    }

    private static int SetKeyboardCore(nint s, NativeString keyboard, int format)
    {
        BridgeSender? sender = null;
        try
        {
            sender = Resolve(s);
            if (sender is null)
            {
                return BridgeErrors.NullHandle(DefaultLanguage).Status;
            }

            if (!keyboard.TryDecode(out string? text))
            {
                return sender.RefuseKeyboard(BridgeErrors.InvalidEncoding(Names.Keyboard, sender.Language)).Status;
            }

            return sender.SetKeyboard(text, (KeyboardFormat)format).Status;
        }
        catch (Exception ex)
        {
            return Fail(sender, ex);
        }
    }

    private static int SendMessageCore(nint s, NativeString lineId, NativeString userId, NativeString text)
    {
        BridgeSender? sender = null;
        try
        {
            sender = Resolve(s);
            if (sender is null)
            {
                return BridgeErrors.NullHandle(DefaultLanguage).Status;
            }

            if (!lineId.TryDecode(out string? line))
            {
                return sender.Record(BridgeErrors.InvalidEncoding(Names.LineId, sender.Language)).Status;
            }

            if (!userId.TryDecode(out string? user))
            {
                return sender.Record(BridgeErrors.InvalidEncoding(Names.UserId, sender.Language)).Status;
            }

            if (!text.TryDecode(out string? body))
            {
                return sender.Record(BridgeErrors.InvalidEncoding(Names.Text, sender.Language)).Status;
            }

            return sender.Send(line, user, body).Status;
        }
        catch (Exception ex)
        {
            return Fail(sender, ex);
        }
    }

    private static int DropKeyboardCore(nint s, NativeString lineId, NativeString userId)
    {
        BridgeSender? sender = null;
        try
        {
            sender = Resolve(s);
            if (sender is null)
            {
                return BridgeErrors.NullHandle(DefaultLanguage).Status;
            }

            if (!lineId.TryDecode(out string? line))
            {
                return sender.Record(BridgeErrors.InvalidEncoding(Names.LineId, sender.Language)).Status;
            }

            if (!userId.TryDecode(out string? user))
            {
                return sender.Record(BridgeErrors.InvalidEncoding(Names.UserId, sender.Language)).Status;
            }

            return sender.DropKeyboard(line, user).Status;
        }
        catch (Exception ex)
        {
            return Fail(sender, ex);
        }
    }

    private static int LastErrorCore(nint s, void* buffer, int size, bool wide)
    {
        BridgeSender? sender = null;
        try
        {
            sender = Resolve(s);
            if (BufferProblem(buffer, size, sender?.Language ?? DefaultLanguage) is { } problem)
            {
                return sender is null ? problem.Status : sender.Record(problem).Status;
            }

            string text = sender is null ? BridgeErrors.NullHandle(DefaultLanguage).ErrorText : sender.LastOutcome.ErrorText;
            return CopyOut(text, buffer, size, wide);
        }
        catch (Exception ex)
        {
            return Fail(sender, ex);
        }
    }

    private static int SendOnceCore(NativeString[] args, int keyboardFormat, void* errorBuffer, int errorBufferSize, bool wide)
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

            outcome ??= BridgeSender.SendOnce(values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                (KeyboardFormat)keyboardFormat);
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

    /// <summary>A negative size, or a NULL buffer that is said to have room: the failure to report, else null.</summary>
    private static SendOutcome? BufferProblem(void* buffer, int size, ErrorLanguage language) =>
        size < 0 ? BridgeErrors.InvalidBufferSize(language)
        : buffer == null && size > 0 ? BridgeErrors.NullArgument("buffer", language)
        : null;

    private static int CopyOut(string text, void* buffer, int size, bool wide) =>
        wide ? NativeText.CopyUtf16(text, (char*)buffer, size) : NativeText.CopyUtf8(text, (byte*)buffer, size);

    /// <summary>An unexpected exception: recorded on the sender when there is one; its status returned.</summary>
    private static int Fail(BridgeSender? sender, Exception ex)
    {
        try
        {
            return sender is null
                ? BridgeErrors.Internal(ex, DefaultLanguage).Status
                : sender.Record(BridgeErrors.Internal(ex, sender.Language)).Status;
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
