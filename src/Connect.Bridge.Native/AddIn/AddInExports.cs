using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// The exports a 1C:Enterprise "Native API" host looks up (plain <c>extern "C"</c>, cdecl also on x86):
/// GetClassNames, GetClassObject, DestroyObject, SetPlatformCapabilities, GetAttachType. They live in the same
/// library as the cb_* exports: one runtime per process, one file to ship.
/// </summary>
public static unsafe class AddInExports
{
    /// <summary>The one class: GetClassNames and RegisterExtensionAs both say it, so 1C code reads <c>Новый("AddIn.&lt;Имя&gt;.Sender")</c>.</summary>
    internal const string ClassName = "Sender";

    /// <summary>eAppCapabilitiesLast: the newest platform capability level the component knows.</summary>
    private const int CapabilitiesLast = 3;

    /// <summary>eCanAttachAny: the component runs in the 1C process or isolated.</summary>
    private const int AttachAny = 3;

    private static readonly char* ClassNames = AllocStatic(ClassName);

    [UnmanagedCallersOnly(EntryPoint = "GetClassNames", CallConvs = [typeof(CallConvCdecl)])]
    public static char* GetClassNames() => ClassNames;

    /// <summary>Creates the object for a class name from GetClassNames; non-zero when it was created.</summary>
    [UnmanagedCallersOnly(EntryPoint = "GetClassObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CLong GetClassObject(char* name, nint* result) => Boundary.Run(new CLong(0), () =>
    {
        if (name == null || result == null || !string.Equals(new string(name), ClassName, StringComparison.OrdinalIgnoreCase))
        {
            return new CLong(0);
        }

        *result = SenderObject.Create();
        return new CLong(1);
    });

    /// <summary>Destroys an object from GetClassObject and clears the pointer; 0 when done, -1 when it was not a live object.</summary>
    [UnmanagedCallersOnly(EntryPoint = "DestroyObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CLong DestroyObject(nint* obj) => Boundary.Run(new CLong(-1), () =>
    {
        if (obj == null || *obj == 0)
        {
            return new CLong(-1);
        }

        bool destroyed = SenderObject.Delete(*obj, 0);
        *obj = 0;
        return new CLong(destroyed ? 0 : -1);
    });

    [UnmanagedCallersOnly(EntryPoint = "SetPlatformCapabilities", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetPlatformCapabilities(int capabilities) => CapabilitiesLast;

    [UnmanagedCallersOnly(EntryPoint = "GetAttachType", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetAttachType() => AttachAny;

    private static char* AllocStatic(string text)
    {
        char* p = (char*)NativeMemory.Alloc((nuint)text.Length + 1, sizeof(char));
        text.AsSpan().CopyTo(new Span<char>(p, text.Length));
        p[text.Length] = '\0';
        return p;
    }
}
