using System.Runtime.InteropServices;

namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// Builds, once, the four vtables of <see cref="SenderObject"/> in unmanaged memory, as the platform's C++ compiler
/// would: Itanium (Linux) puts offset-to-top (0, -P, -2P, -3P) and an RTTI pointer before each table and starts it
/// with two destructors (complete, deleting); MSVC (Windows) puts an RTTI-locator slot before it and has one
/// deleting destructor. RTTI is null, so a host using typeid or dynamic_cast fails cleanly. Never freed.
/// </summary>
internal static unsafe class SenderVtables
{
    public static nint[] Build()
    {
        bool msvc = OperatingSystem.IsWindows();
        nint[][] methods =
        [
            [
                (nint)(delegate* unmanaged[Stdcall]<nint, nint, byte>)&SenderEntries.Init,
                (nint)(delegate* unmanaged[Stdcall]<nint, nint, byte>)&SenderEntries.SetMemManager,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong>)&SenderEntries.GetInfo,
                (nint)(delegate* unmanaged[Stdcall]<nint, void>)&SenderEntries.Done,
            ],
            [
                (nint)(delegate* unmanaged[Stdcall]<nint, char**, byte>)&SenderEntries.RegisterExtensionAs,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong>)&SenderEntries.GetNProps,
                (nint)(delegate* unmanaged[Stdcall]<nint, char*, CLong>)&SenderEntries.FindProp,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, CLong, char*>)&SenderEntries.GetPropName,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, byte*, byte>)&SenderEntries.GetPropVal,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, byte*, byte>)&SenderEntries.SetPropVal,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, byte>)&SenderEntries.IsPropReadable,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, byte>)&SenderEntries.IsPropWritable,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong>)&SenderEntries.GetNMethods,
                (nint)(delegate* unmanaged[Stdcall]<nint, char*, CLong>)&SenderEntries.FindMethod,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, CLong, char*>)&SenderEntries.GetMethodName,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, CLong>)&SenderEntries.GetNParams,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, CLong, byte*, byte>)&SenderEntries.GetParamDefValue,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, byte>)&SenderEntries.HasRetVal,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, byte*, CLong, byte>)&SenderEntries.CallAsProc,
                (nint)(delegate* unmanaged[Stdcall]<nint, CLong, byte*, byte*, CLong, byte>)&SenderEntries.CallAsFunc,
            ],
            [(nint)(delegate* unmanaged[Stdcall]<nint, char*, void>)&SenderEntries.SetLocale],
            [(nint)(delegate* unmanaged[Stdcall]<nint, char*, void>)&SenderEntries.SetUserInterfaceLanguageCode],
        ];
        nint[][] destructors = msvc
            ?
            [
                [(nint)(delegate* unmanaged[Thiscall]<nint, uint, nint>)&SenderDestructors.MsvcDeleting0],
                [(nint)(delegate* unmanaged[Thiscall]<nint, uint, nint>)&SenderDestructors.MsvcDeleting1],
                [(nint)(delegate* unmanaged[Thiscall]<nint, uint, nint>)&SenderDestructors.MsvcDeleting2],
                [(nint)(delegate* unmanaged[Thiscall]<nint, uint, nint>)&SenderDestructors.MsvcDeleting3],
            ]
            :
            [
                [(nint)(delegate* unmanaged<nint, void>)&SenderDestructors.Complete0, (nint)(delegate* unmanaged<nint, void>)&SenderDestructors.Deleting0],
                [(nint)(delegate* unmanaged<nint, void>)&SenderDestructors.Complete1, (nint)(delegate* unmanaged<nint, void>)&SenderDestructors.Deleting1],
                [(nint)(delegate* unmanaged<nint, void>)&SenderDestructors.Complete2, (nint)(delegate* unmanaged<nint, void>)&SenderDestructors.Deleting2],
                [(nint)(delegate* unmanaged<nint, void>)&SenderDestructors.Complete3, (nint)(delegate* unmanaged<nint, void>)&SenderDestructors.Deleting3],
            ];

        var tables = new nint[SenderObject.InterfaceCount];
        for (int i = 0; i < tables.Length; i++)
        {
            nint[] prefix = msvc ? [0] : [-i * sizeof(nint), 0];
            nint[] slots = [.. prefix, .. destructors[i], .. methods[i]];
            nint* block = (nint*)NativeMemory.Alloc((nuint)slots.Length, (nuint)sizeof(nint));
            slots.AsSpan().CopyTo(new Span<nint>(block, slots.Length));
            tables[i] = (nint)(block + prefix.Length);
        }

        return tables;
    }
}
