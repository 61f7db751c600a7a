namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// Slots of the host's C++ interfaces (IMemoryManager, IAddInDefBase). Each starts with its virtual destructor:
/// two slots under the Itanium ABI (Linux: complete and deleting), one under MSVC (Windows).
/// </summary>
internal static unsafe class HostVtable
{
    /// <summary>The index of the first method after the destructor slot(s).</summary>
    public static readonly int FirstMethod = OperatingSystem.IsWindows() ? 1 : 2;

    public static void* Slot(nint instance, int index) => (*(void***)instance)[index];
}
