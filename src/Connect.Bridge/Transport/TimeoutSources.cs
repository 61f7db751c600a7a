namespace Connect.Bridge;

/// <summary>
/// The per-call timeout of one client: a <see cref="CancellationTokenSource"/> armed with the call's timeout, reused
/// across calls. A new source per call costs a source, a timer and its insertion into the timer queue; a reset one
/// (<see cref="CancellationTokenSource.TryReset"/>) keeps its timer object and only re-arms it. A caller's own
/// cancellable token needs a linked source, which is made per call as before.
/// </summary>
internal sealed class TimeoutSources
{
    // A few slots: one per call in flight is enough to make reuse the rule; more calls in flight get new sources.
    private readonly CancellationTokenSource?[] _free = new CancellationTokenSource?[8];

    /// <summary>A source that cancels after <paramref name="timeout"/> or when <paramref name="ct"/> is cancelled.</summary>
    public CancellationTokenSource Rent(CancellationToken ct, TimeSpan timeout)
    {
        CancellationTokenSource? source = null;
        if (ct.CanBeCanceled)
        {
            source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        }
        else
        {
            for (int i = 0; i < _free.Length && source is null; i++)
                if (Volatile.Read(ref _free[i]) is not null) source = Interlocked.Exchange(ref _free[i], null);
            source ??= new CancellationTokenSource();
        }
        source.CancelAfter(timeout);
        return source;
    }

    /// <summary>Takes a source back after its call: kept when it did not fire (the reset also drops every registration), else disposed.</summary>
    public void Return(CancellationTokenSource source)
    {
        // A linked source is never kept: its link to the caller's token ends only with Dispose.
        if (source.GetType() == typeof(CancellationTokenSource) && source.TryReset())
        {
            for (int i = 0; i < _free.Length; i++)
                if (Interlocked.CompareExchange(ref _free[i], source, null) is null) return;
        }
        source.Dispose();
    }
}
