using System.Runtime.InteropServices;

namespace Connect.Bridge.Native.AddIn;

/// <summary>
/// The native side of an add-in object as a C++ compiler would lay out a class deriving from IInitDoneBase,
/// ILanguageExtenderBase, LocaleBase and UserLanguageBase: four vtable pointers at 0, P, 2P, 3P (P = pointer size),
/// followed here by the GCHandle of its <see cref="SenderComponent"/>. The host calls each interface with
/// <c>this</c> pointing at that interface's vtable pointer.
/// </summary>
/// <remarks>
/// Live objects are registered so that a pointer the host still holds after a release (DestroyObject after the
/// vtable destructor deleted the object, or a second DestroyObject) is recognised and refused, never dereferenced.
/// </remarks>
internal static unsafe class SenderObject
{
    public const int InterfaceCount = 4;

    private static readonly Lock s_gate = new();
    private static readonly HashSet<nint> s_live = [];
    private static readonly nint[] s_vtables = SenderVtables.Build();

    /// <summary>A new object; the pointer the host receives as IComponentBase*.</summary>
    public static nint Create()
    {
        GCHandle handle = GCHandle.Alloc(new SenderComponent());
        nint* obj = (nint*)NativeMemory.AllocZeroed((nuint)(InterfaceCount + 1), (nuint)sizeof(nint));
        for (int i = 0; i < InterfaceCount; i++)
        {
            obj[i] = s_vtables[i];
        }

        obj[InterfaceCount] = GCHandle.ToIntPtr(handle);
        lock (s_gate)
        {
            s_live.Add((nint)obj);
        }

        return (nint)obj;
    }

    /// <summary>The object's component from the <c>this</c> of interface <paramref name="index"/>; null when released or unknown.</summary>
    public static SenderComponent? Resolve(nint self, int index)
    {
        nint obj = self - index * sizeof(nint);
        lock (s_gate)
        {
            if (!s_live.Contains(obj))
            {
                return null;
            }

            nint handle = ((nint*)obj)[InterfaceCount];
            return handle == 0 ? null : GCHandle.FromIntPtr(handle).Target as SenderComponent;
        }
    }

    /// <summary>The complete-object destructor: managed state released, memory kept (the host may still DestroyObject it).</summary>
    public static void Destruct(nint self, int index) => Release(self - index * sizeof(nint), free: false);

    /// <summary>The deleting destructor and DestroyObject: state released and memory freed; false when the object is not live.</summary>
    public static bool Delete(nint self, int index) => Release(self - index * sizeof(nint), free: true);

    private static bool Release(nint obj, bool free)
    {
        nint handle;
        lock (s_gate)
        {
            if (!(free ? s_live.Remove(obj) : s_live.Contains(obj)))
            {
                return false;
            }

            handle = ((nint*)obj)[InterfaceCount];
            ((nint*)obj)[InterfaceCount] = 0;
        }

        if (handle != 0)
        {
            GCHandle gc = GCHandle.FromIntPtr(handle);
            (gc.Target as IDisposable)?.Dispose();
            gc.Free();
        }

        if (free)
        {
            NativeMemory.Free((void*)obj);
        }

        return true;
    }
}
