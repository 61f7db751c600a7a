using System.Runtime.InteropServices;

namespace Connect.Bridge.Native;

/// <summary>
/// Runs an export with all floating-point exceptions masked and restores the caller's floating-point
/// environment (control word, MXCSR, flags) on the way out.
/// </summary>
/// <remarks>
/// Delphi and Free Pascal unmask FP exceptions by default, and a C host may unmask them all with
/// feenableexcept. The runtime and the libraries under the core assume the default (all masked): with
/// FE_INEXACT unmasked a plain send dies with SIGFPE (measured: tests/native/harness.c "FP" checks).
/// Threads the runtime starts while a guard is active (thread pool, socket engine) inherit the masked state.
/// Linux uses glibc's feholdexcept/fesetenv; Windows uses the CRT's _controlfp_s; elsewhere it does nothing.
/// Not covered, because it runs before any managed code: the runtime's one-time start inside the very first
/// call, which needs FE_INEXACT masked (the default of every common host; see connect_bridge.h).
/// </remarks>
internal unsafe ref struct FpGuard
{
    // Not a fixed buffer: a fixed buffer makes the JIT put a stack cookie in every export, and NativeAOT reads
    // __security_cookie before the runtime's first-call initialisation changes it, so the very first call into
    // the library would fail fast (measured). A plain struct of the same size has no cookie.
    private EnvBuffer _env;
    private uint _control;
    private byte _state; // 0 nothing to restore, 1 Linux env saved, 2 Windows control word saved

    /// <summary>Set once the platform's FP functions turned out to be missing (e.g. no glibc): stop trying.</summary>
    private static bool s_unavailable;

    public static FpGuard Enter()
    {
        var guard = default(FpGuard);
        if (s_unavailable)
        {
            return guard;
        }

        try
        {
            if (OperatingSystem.IsLinux())
            {
                if (Libm.feholdexcept((byte*)&guard._env) == 0)
                {
                    guard._state = 1;
                }
            }
            else if (OperatingSystem.IsWindows())
            {
                uint current;
                if (Crt._controlfp_s(&current, 0, 0) == 0)
                {
                    guard._control = current;
                    guard._state = 2;
                    Crt._controlfp_s(&current, Crt.MCW_EM, Crt.MCW_EM);
                }
            }
        }
        catch (Exception)
        {
            s_unavailable = true; // no FP API here: run with the caller's environment as it is
        }

        return guard;
    }

    public void Dispose()
    {
        try
        {
            if (_state == 1)
            {
                fixed (EnvBuffer* env = &_env)
                {
                    Libm.fesetenv((byte*)env); // the caller's flags come back; ours are dropped, nothing is raised
                }
            }
            else if (_state == 2)
            {
                uint current;
                Crt._clearfp(); // a pending flag must not fire in the caller once its exceptions are unmasked again
                Crt._controlfp_s(&current, _control, Crt.MCW_EM);
            }
        }
        catch (Exception)
        {
            // Nothing sensible to do.
        }
    }

    /// <summary>Room for a C fenv_t: glibc x86-64 needs 32 bytes, aarch64 8.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 64)]
    private struct EnvBuffer
    {
        private long _first;
    }

    private static class Libm
    {
        [DllImport("libm.so.6", CallingConvention = CallingConvention.Cdecl)]
        public static extern int feholdexcept(byte* env);

        [DllImport("libm.so.6", CallingConvention = CallingConvention.Cdecl)]
        public static extern int fesetenv(byte* env);
    }

    private static class Crt
    {
        public const uint MCW_EM = 0x0008001F;

        [DllImport("ucrtbase.dll", CallingConvention = CallingConvention.Cdecl)] // the CRT is cdecl, also on x86
        public static extern int _controlfp_s(uint* current, uint newValue, uint mask);

        [DllImport("ucrtbase.dll", CallingConvention = CallingConvention.Cdecl)] // the CRT is cdecl, also on x86
        public static extern uint _clearfp();
    }
}
