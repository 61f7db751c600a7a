using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Connect.Bridge.Hosting;

namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// The methods of the four interfaces (1C's ComponentBase.h order), called by the host through the vtables
/// <see cref="SenderVtables"/> builds. <c>ADDIN_API</c> is <c>__stdcall</c> on Windows x86 and the platform
/// convention elsewhere; C++ <c>bool</c> is returned as a byte, C <c>long</c> as <see cref="CLong"/>.
/// Each entry only converts and dispatches through <see cref="SenderMembers"/>; nothing throws into the host.
/// </summary>
/// <remarks>
/// Hosts differ (see the facts file): setMemManager may come before or after Init, GetInfo and RegisterExtensionAs
/// may never come, Done may never come or come twice. So Init allocates nothing and Done only lets go of the host.
/// </remarks>
internal static unsafe class SenderEntries
{
    /// <summary>The component version GetInfo reports (2000: Native API version 2, what the templates return).</summary>
    private const int ComponentVersion = 2000;

    // ---- IInitDoneBase (interface 0) ------------------------------------------------------------

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte Init(nint self, nint connection) => With(self, 0, c =>
    {
        c.Connection = new HostConnection(connection);
        return true;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte SetMemManager(nint self, nint manager) => With(self, 0, c =>
    {
        c.Memory = new HostMemory(manager);
        return true;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static CLong GetInfo(nint self) => new(ComponentVersion);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static void Done(nint self) => Boundary.Run(() => SenderObject.Resolve(self, 0)?.Release()); // no status: the host is going away

    // ---- ILanguageExtenderBase (interface 1) ----------------------------------------------------

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte RegisterExtensionAs(nint self, char** name) => With(self, 1, c =>
    {
        if (name == null)
        {
            return false;
        }

        *name = c.Memory.AllocString(AddInExports.ClassName);
        return *name != null;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static CLong GetNProps(nint self) => new(SenderMembers.Properties.Length);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static CLong FindProp(nint self, char* name) => new(Find(name, SenderMembers.FindProperty));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static char* GetPropName(nint self, CLong number, CLong alias) =>
        Name(self, Property(number) is { } p ? (alias.Value == 0 ? p.English : p.Russian) : null);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte GetPropVal(nint self, CLong number, byte* value) => With(self, 1, c =>
        Property(number) is { Get: { } get } && TVariant.TryWrite(value, get(c), c.Memory));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte SetPropVal(nint self, CLong number, byte* value) => Boundary.Run<byte>(0, () =>
        SenderObject.Resolve(self, 1) is { } c && Property(number) is { Set: { } set } p
            ? Run(c, () => TVariant.TryRead(value, out HostValue v) ? set(c, v) : c.BadEncoding(p.English, p.Setting), null)
            : (byte)0);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte IsPropReadable(nint self, CLong number) => Flag(Property(number) is not null);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte IsPropWritable(nint self, CLong number) => Flag(Property(number)?.Set is not null);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static CLong GetNMethods(nint self) => new(SenderMembers.Methods.Length);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static CLong FindMethod(nint self, char* name) => new(Find(name, SenderMembers.FindMethod));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static char* GetMethodName(nint self, CLong number, CLong alias) =>
        Name(self, Method(number) is { } m ? (alias.Value == 0 ? m.English : m.Russian) : null);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static CLong GetNParams(nint self, CLong number) => new(Method(number)?.Parameters.Length ?? 0);

    /// <summary>No parameter has a default: a missing argument is the host's to report.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte GetParamDefValue(nint self, CLong method, CLong parameter, byte* value) => 0;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte HasRetVal(nint self, CLong number) => Flag(Method(number)?.ReturnsStatus == true);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte CallAsProc(nint self, CLong number, byte* parameters, CLong count) => Call(self, number, null, parameters, count);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static byte CallAsFunc(nint self, CLong number, byte* result, byte* parameters, CLong count) => Call(self, number, result, parameters, count);

    // ---- LocaleBase (interface 2), UserLanguageBase (interface 3) -------------------------------

    /// <summary>Texts follow the Language property (as on COM), not the host's locale.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static void SetLocale(nint self, char* locale) { }

    /// <summary>Texts follow the Language property (as on COM), not the host's interface language.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    public static void SetUserInterfaceLanguageCode(nint self, char* language) { }

    // ---- plumbing -------------------------------------------------------------------------------

    private static byte Call(nint self, CLong number, byte* result, byte* parameters, CLong count) => Boundary.Run<byte>(0, () =>
    {
        if (SenderObject.Resolve(self, 1) is not { } c || Method(number) is not { } m)
        {
            return 0;
        }

        var args = new HostValue[m.Parameters.Length];
        int bad = -1;
        for (int i = 0; i < args.Length && bad < 0; i++)
        {
            if (parameters != null && i < count.Value && !TVariant.TryRead(TVariant.At(parameters, i), out args[i]))
            {
                bad = i; // missing arguments stay Empty: the core's wrong-type outcome names them
            }
        }

        return Run(c, () => bad >= 0 ? c.BadEncoding(m.Parameters[bad], m.Refuses) : m.Call(c, args), m.ReturnsStatus ? result : null);
    });

    /// <summary>
    /// Runs one call by the hosting layer's policy (<see cref="BridgeSender.Invoke"/>) under the object's lock and writes
    /// the status into <paramref name="status"/> when given. A raise goes to the host's AddError and false is returned,
    /// so the host raises an exception with the core's text.
    /// </summary>
    private static byte Run(SenderComponent c, Func<SendOutcome> call, byte* status)
    {
        HostResult result;
        HostConnection connection;
        lock (c.Gate)
        {
            result = c.Core.Invoke(call);
            connection = c.Connection;
            if (status != null)
            {
                TVariant.TryWrite(status, HostValue.Integer(result.Outcome.Status), c.Memory);
            }
        }

        if (result.Raise)
        {
            connection.AddError(SenderComponent.ErrorSource, result.Outcome.ErrorText);
            return 0;
        }

        return 1;
    }

    private static byte With(nint self, int index, Func<SenderComponent, bool> action) => Boundary.Run<byte>(0, () =>
    {
        if (SenderObject.Resolve(self, index) is not { } c)
        {
            return 0;
        }

        lock (c.Gate)
        {
            return Flag(action(c));
        }
    });

    private static char* Name(nint self, string? name) => (char*)Boundary.Run<nint>(0, () =>
        name is not null && SenderObject.Resolve(self, 1) is { } c ? (nint)c.Memory.AllocString(name) : 0);

    private static int Find(char* name, Func<string, int> find) => Boundary.Run(-1, () => name == null ? -1 : find(new string(name)));

    private static SenderProperty? Property(CLong number) =>
        number.Value >= 0 && number.Value < SenderMembers.Properties.Length ? SenderMembers.Properties[(int)number.Value] : null;

    private static SenderMethod? Method(CLong number) =>
        number.Value >= 0 && number.Value < SenderMembers.Methods.Length ? SenderMembers.Methods[(int)number.Value] : null;

    private static byte Flag(bool value) => value ? (byte)1 : (byte)0;
}
