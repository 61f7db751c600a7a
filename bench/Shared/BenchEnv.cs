using System.Globalization;

namespace Connect.Bridge.Bench;

/// <summary>
/// The benchmark message and server, from the environment bench/run.sh sets (the same variables the C programs
/// read, see bench/native/bench_common.h). The password is never printed.
/// </summary>
internal sealed class BenchEnv
{
    public string Url { get; } = Get("BENCH_URL", "http://127.0.0.1:8080");
    public string Login { get; } = Get("BENCH_LOGIN", "bot");
    public string Password { get; } = Get("BENCH_PASSWORD", "secret");
    public string Line { get; } = Get("BENCH_LINE", "3f2b8c1e-6a4d-4e5f-9b7a-1c2d3e4f5a6b");
    public string User { get; } = Get("BENCH_USER", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    public string Text { get; } = Get("BENCH_TEXT", "Здравствуйте! Это сообщение бенчмарка.");
    public string Keyboard { get; } = Get("BENCH_KEYBOARD", "Да|Нет|Не знаю\nПозвать оператора|Отмена");

    private static string Get(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;

    public static string Result(string mode, long sent, long failed, double seconds, string extra = "") =>
        string.Create(CultureInfo.InvariantCulture,
            $"result mode={mode} sent={sent} failed={failed} seconds={seconds:F4} msgs_per_s={sent / seconds:F1}{extra}");

    /// <summary>CPU time (user + system) of the whole process so far: the client's own cost per message.</summary>
    public static double CpuSeconds() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>CPU used by the last <see cref="RunAsync"/> between the common start and the end, in seconds.</summary>
    public static double LastRunCpuSeconds { get; private set; }

    /// <summary>The runtime's own counters over the last run (what dotnet-counters shows as System.Runtime), per message.</summary>
    private static (long Allocated, long Contentions, long WorkItems, int Gen0) s_before, s_after;

    private static (long, long, long, int) Counters() =>
        (GC.GetTotalAllocatedBytes(precise: true), Monitor.LockContentionCount, ThreadPool.CompletedWorkItemCount, GC.CollectionCount(0));

    public static string CpuPerMessage(long sent) =>
        string.Create(CultureInfo.InvariantCulture,
            $" cpu_us_per_msg={LastRunCpuSeconds * 1e6 / sent:F1} alloc_b_per_msg={(s_after.Allocated - s_before.Allocated) / (double)sent:F0}" +
            $" lock_contentions={s_after.Contentions - s_before.Contentions} workitems_per_msg={(s_after.WorkItems - s_before.WorkItems) / (double)sent:F2}" +
            $" gen0={s_after.Gen0 - s_before.Gen0} threadpool_threads={ThreadPool.ThreadCount}");

    /// <summary>Runs <paramref name="send"/> on <paramref name="callers"/> tasks: warm-up, a common start, then the timed sends.</summary>
    public static async Task<(long Failed, double Seconds)> RunAsync(int callers, long n, long warmup, Func<Task<bool>> send)
    {
        long failed = 0;
        var ready = new CountdownEvent(callers);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task[callers];
        for (int c = 0; c < callers; c++)
        {
            long mine = n / callers + (c < n % callers ? 1 : 0);
            tasks[c] = Task.Run(async () =>
            {
                for (long i = 0; i < warmup; i++) if (!await send().ConfigureAwait(false)) Interlocked.Increment(ref failed);
                ready.Signal();
                await go.Task.ConfigureAwait(false);
                for (long i = 0; i < mine; i++) if (!await send().ConfigureAwait(false)) Interlocked.Increment(ref failed);
            });
        }
        ready.Wait();
        s_before = Counters();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        double cpuStart = CpuSeconds();
        go.SetResult();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        LastRunCpuSeconds = CpuSeconds() - cpuStart;
        s_after = Counters();
        return (Interlocked.Read(ref failed), seconds);
    }
}
