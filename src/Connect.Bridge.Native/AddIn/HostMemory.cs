using System.Runtime.InteropServices;

namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// The host's <c>IMemoryManager</c> (vtable: destructor, AllocMemory, FreeMemory): everything handed to the host is
/// allocated here, because the host frees it. A null manager allocates nothing.
/// </summary>
internal readonly unsafe struct HostMemory(nint manager)
{
    public bool IsAvailable => manager != 0;

    /// <summary>A NUL-terminated UTF-16 copy of <paramref name="text"/>, or null when the host gave no manager or refused.</summary>
    public char* AllocString(string text)
    {
        if (manager == 0)
        {
            return null;
        }

        var alloc = (delegate* unmanaged[Stdcall]<nint, void**, CULong, byte>)HostVtable.Slot(manager, HostVtable.FirstMethod);
        void* memory = null;
        nuint bytes = ((nuint)text.Length + 1) * sizeof(char);
        if (alloc(manager, &memory, new CULong(bytes)) == 0 || memory == null)
        {
            return null;
        }

        char* chars = (char*)memory;
        text.AsSpan().CopyTo(new Span<char>(chars, text.Length));
        chars[text.Length] = '\0';
        return chars;
    }
}
