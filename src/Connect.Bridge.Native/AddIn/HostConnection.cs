using System.Runtime.InteropServices;

namespace Connect.Bridge.Native.AddIn;

/// <summary>The host's <c>IAddInDefBase</c> passed to Init: only AddError is used (the first method).</summary>
internal readonly unsafe struct HostConnection(nint connection)
{
    /// <summary>ADDIN_E_FAIL: an error without a message box (the MSGBOX codes open a dialog, fatal on a server).</summary>
    private const ushort AddInErrorFail = 1006;

    private const int EFail = unchecked((int)0x80004005);

    /// <summary>Reports an error the host turns into an exception once the call returns false; false when there is no host to tell.</summary>
    public bool AddError(string source, string description)
    {
        if (connection == 0)
        {
            return false;
        }

        var addError = (delegate* unmanaged[Stdcall]<nint, ushort, char*, char*, CLong, byte>)HostVtable.Slot(connection, HostVtable.FirstMethod);
        fixed (char* s = source)
        fixed (char* d = description)
        {
            return addError(connection, AddInErrorFail, s, d, new CLong(EFail)) != 0;
        }
    }
}
