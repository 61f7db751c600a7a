using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// The destructor slots of the four vtables, one set per interface because each receives <c>this</c> at its own
/// offset. Itanium: the complete destructor releases the managed state (the memory is the caller's), the deleting one
/// also frees the object. MSVC: one deleting destructor (<c>__thiscall</c> on x86) whose flags bit 0 asks to free;
/// it returns <c>this</c>. All are safe on an object already released.
/// </summary>
internal static class SenderDestructors
{
    [UnmanagedCallersOnly] public static void Complete0(nint self) => Run(self, 0, free: false);
    [UnmanagedCallersOnly] public static void Complete1(nint self) => Run(self, 1, free: false);
    [UnmanagedCallersOnly] public static void Complete2(nint self) => Run(self, 2, free: false);
    [UnmanagedCallersOnly] public static void Complete3(nint self) => Run(self, 3, free: false);
    [UnmanagedCallersOnly] public static void Deleting0(nint self) => Run(self, 0, free: true);
    [UnmanagedCallersOnly] public static void Deleting1(nint self) => Run(self, 1, free: true);
    [UnmanagedCallersOnly] public static void Deleting2(nint self) => Run(self, 2, free: true);
    [UnmanagedCallersOnly] public static void Deleting3(nint self) => Run(self, 3, free: true);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvThiscall)])]
    public static nint MsvcDeleting0(nint self, uint flags) => Msvc(self, 0, flags);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvThiscall)])]
    public static nint MsvcDeleting1(nint self, uint flags) => Msvc(self, 1, flags);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvThiscall)])]
    public static nint MsvcDeleting2(nint self, uint flags) => Msvc(self, 2, flags);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvThiscall)])]
    public static nint MsvcDeleting3(nint self, uint flags) => Msvc(self, 3, flags);

    private static nint Msvc(nint self, int index, uint flags)
    {
        Run(self, index, free: (flags & 1) != 0);
        return self;
    }

    /// <summary>A destructor has no way to report: an exception leaves the object released as far as it could be.</summary>
    private static void Run(nint self, int index, bool free) => Boundary.Run(() =>
    {
        if (free)
        {
            SenderObject.Delete(self, index);
        }
        else
        {
            SenderObject.Destruct(self, index);
        }
    });
}
