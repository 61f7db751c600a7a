namespace Connect.Bridge;

/// <summary>
/// Blocks the calling thread on a task with a wait handle reused per thread. A fresh wait object per call (what
/// the synchronous socket path and Task.Wait use) costs NativeAOT a sync-table entry and a finalizable object
/// per send, and its RSS then grows until a full collection; one handle per thread keeps it flat.
/// </summary>
internal static class SyncWait
{
    [ThreadStatic] private static ManualResetEventSlim? t_done;

    public static T Result<T>(Task<T> task)
    {
        if (!task.IsCompleted)
        {
            var done = t_done ??= new ManualResetEventSlim(false, spinCount: 0);
            done.Reset();
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(done.Set);
            done.Wait();
        }
        return task.GetAwaiter().GetResult();
    }
}
