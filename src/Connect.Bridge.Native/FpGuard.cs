namespace Connect.Bridge.Native;

/// <summary>Placeholder while measuring whether the caller's FP exception mask matters.</summary>
internal readonly ref struct FpGuard
{
    public static FpGuard Enter() => default;

    public void Dispose()
    {
    }
}
