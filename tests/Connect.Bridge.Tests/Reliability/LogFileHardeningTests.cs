using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Connect.Bridge.Tests.Reliability;

/// <summary>
/// Issue 19, round three, item 1: a log file never hangs the host. Through <see cref="BridgeSender"/>, the adapter
/// every surface shares (COM LogFile, the add-in ФайлЖурнала, cb_set_option(CB_OPT_LOG_FILE), the CLI --log-file).
/// "Never blocks" is checked with a bound that detects a hang (20 s), not a timing: the elapsed time is reported.
/// </summary>
public sealed class LogFileHardeningTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("cb-log-").FullName;
    private readonly List<string> _fifos = [];

    public void Dispose()
    {
        foreach (var fifo in _fifos) Release(fifo);
        Directory.Delete(_dir, recursive: true);
    }

    // ---- setting a log file never blocks: what is not a regular file is refused ----

    [Fact]
    public void A_FIFO_without_a_reader_is_refused_at_once()
    {
        string fifo = Fifo("no-reader.log");
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        var outcome = Within("set LogFile to a FIFO without a reader", () => sender.Set(SenderSetting.LogFile, fifo), fifo);
        Assert.Equal((-1, $"Invalid option: the log file \"{fifo}\" is not a regular file (a FIFO, a named pipe); name an ordinary file: writing to anything else can block the program."),
            (outcome.Status, outcome.ErrorText));
        Assert.Equal("", sender.Get(SenderSetting.LogFile).AsText);
    }

    [Fact]
    public void A_FIFO_with_a_reader_is_refused_too_the_reader_may_leave()
    {
        string fifo = Fifo("reader.log");
        int reader = open(fifo, ORdOnly | ONonBlock); // a reader is there while the setting is made
        Assert.True(reader >= 0, "open the FIFO for reading");
        try
        {
            using var sender = new BridgeSender();
            var outcome = Within("set LogFile to a FIFO with a reader", () => sender.Set(SenderSetting.LogFile, fifo), fifo);
            Assert.Equal((-1, $"Неверный параметр: файл журнала «{fifo}» — не обычный файл (это именованный канал FIFO); укажите обычный файл: запись в другое может остановить программу."),
                (outcome.Status, outcome.ErrorText));
        }
        finally
        {
            close(reader);
        }
    }

    [Fact]
    public void A_directory_is_refused_as_a_directory()
    {
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        var outcome = sender.Set(SenderSetting.LogFile, _dir);
        Assert.Equal((-1, $"Invalid option: the log file \"{_dir}\" is not a regular file (a directory); name an ordinary file: writing to anything else can block the program."),
            (outcome.Status, outcome.ErrorText));
    }

    [Theory]
    [InlineData("/dev/full")]
    [InlineData("/dev/null")]
    public void A_character_device_is_refused(string device)
    {
        using var sender = new BridgeSender();
        sender.Set(SenderSetting.Language, "en");
        var outcome = Within($"set LogFile to {device}", () => sender.Set(SenderSetting.LogFile, device));
        Assert.Equal((-1, $"Invalid option: the log file \"{device}\" is not a regular file (a character device); name an ordinary file: writing to anything else can block the program."),
            (outcome.Status, outcome.ErrorText));
    }

    [Fact]
    public async Task A_refused_log_file_is_a_sticky_refusal_and_sends_nothing()
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        using var sender = Sender(server);
        Assert.Equal(-1, sender.Set(SenderSetting.LogFile, "/dev/full").Status);
        var outcome = sender.Send(TestData.LineId, TestData.UserId, "hi");
        Assert.Equal(-1, outcome.Status);
        Assert.Contains("(a character device)", outcome.ErrorText, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    // ---- writing a line never holds the send: it is dropped and counted ----

    [Fact]
    public async Task A_log_file_that_became_a_FIFO_without_a_reader_does_not_hold_the_send()
    {
        // The issue's "reader that leaves": the path was fine when set, and nobody reads it when the line comes.
        await using var server = new RawHttpServer(RawReply.Status(200));
        string path = Path.Combine(_dir, "swapped.log");
        using var sender = LoggingTo(server, path, thenReplacedBy: _ => Fifo("swapped.log"));

        var outcome = Within("send with the log file swapped for a FIFO (2 s timeout)", () => sender.Send(TestData.LineId, TestData.UserId, "hi"), path);
        Assert.Equal((200, ""), (outcome.Status, outcome.ErrorText));
        Assert.Equal(1, server.Requests);
        Assert.True(FileLog.Flush(path, HangBound), "the writer did not finish within 20 s");
        Assert.Equal(1, FileLog.DroppedLines(path));
    }

    [Fact]
    public async Task A_log_file_that_became_a_directory_drops_the_line_and_says_so_when_it_is_a_file_again()
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        string path = Path.Combine(_dir, "dir-later.log");
        using var sender = LoggingTo(server, path, thenReplacedBy: p => Directory.CreateDirectory(p));

        Assert.Equal(200, sender.Send(TestData.LineId, TestData.UserId, "1").Status);
        Assert.True(FileLog.Flush(path, HangBound));
        Assert.Equal(1, FileLog.DroppedLines(path));

        Directory.Delete(path);
        Assert.Equal(200, sender.Send(TestData.LineId, TestData.UserId, "2").Status);
        Assert.True(FileLog.Flush(path, HangBound));
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("Warning Connect.Bridge: 1 log line(s) before this one could not be written to this file and were dropped.", lines[0], StringComparison.Ordinal);
        Assert.Contains("-> 200 ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_in_a_read_only_place_drops_the_line_and_keeps_the_outcome()
    {
        // As root a mode bit does not stop a write; /proc/version does: it opens for writing, and every write fails (EIO).
        const string path = "/proc/version";
        await using var server = new RawHttpServer(RawReply.Status(200));
        using var sender = LoggingTo(server, path);
        long before = FileLog.DroppedLines(path);
        var outcome = sender.Send(TestData.LineId, TestData.UserId, "hi");
        Assert.Equal((200, ""), (outcome.Status, outcome.ErrorText));
        Assert.True(FileLog.Flush(path, HangBound));
        Assert.Equal(before + 1, FileLog.DroppedLines(path));
    }

    [Fact]
    public async Task A_file_on_a_full_then_read_only_filesystem_drops_lines_and_reports_them_later()
    {
        // A 64 KiB tmpfs of our own: filled after the setting (ENOSPC), then remounted read-only (EROFS).
        string mount = Path.Combine(_dir, "small");
        Directory.CreateDirectory(mount);
        if (!Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount))
        {
            output.WriteLine("N/A: mounting a tmpfs needs root (CAP_SYS_ADMIN); the /proc/version test covers a failing write");
            return;
        }
        try
        {
            await using var server = new RawHttpServer(RawReply.Status(200));
            string path = Path.Combine(mount, "full.log");
            using var sender = LoggingTo(server, path);
            string filler = Path.Combine(mount, "filler");
            Fill(filler);

            Assert.Equal((200, ""), (sender.Send(TestData.LineId, TestData.UserId, "full").Status, sender.LastOutcome.ErrorText));
            Assert.True(FileLog.Flush(path, HangBound));
            Assert.Equal(1, FileLog.DroppedLines(path));

            File.Delete(filler);
            Assert.True(Run("mount", "-o", "remount,ro", mount), "remount read-only");
            Assert.Equal(200, sender.Send(TestData.LineId, TestData.UserId, "read-only").Status);
            Assert.True(FileLog.Flush(path, HangBound));
            Assert.Equal(2, FileLog.DroppedLines(path));

            Assert.True(Run("mount", "-o", "remount,rw", mount), "remount read-write");
            Assert.Equal(200, sender.Send(TestData.LineId, TestData.UserId, "writable").Status);
            Assert.True(FileLog.Flush(path, HangBound));
            string[] lines = File.ReadAllLines(path);
            Assert.Equal(2, lines.Length);
            Assert.Contains(": 2 log line(s) before this one could not be written", lines[0], StringComparison.Ordinal);
        }
        finally
        {
            Run("umount", "-l", mount);
        }
    }

    // ---- two senders on two threads: a stuck log holds neither the other sender nor its own send ----

    [Fact]
    public async Task A_stuck_log_file_does_not_block_another_sender_with_an_ordinary_file()
    {
        await using var server = new RawHttpServer(RawReply.Status(200));
        string stuckPath = Path.Combine(_dir, "stuck.log");
        string okPath = Path.Combine(_dir, "ok.log");
        using var stuck = Sender(server);
        using var ok = Sender(server);
        Assert.Equal(0, stuck.Set(SenderSetting.LogFile, stuckPath).Status);
        Assert.Equal(0, ok.Set(SenderSetting.LogFile, okPath).Status);
        File.Delete(stuckPath);
        Fifo("stuck.log");

        // Sender one's line meets the FIFO; sender two, on another thread, starts once sender one has returned or
        // after 1 s, whichever comes first, and must not wait for sender one's file.
        var first = Task.Factory.StartNew(() => stuck.Send(TestData.LineId, TestData.UserId, "stuck"), TaskCreationOptions.LongRunning);
        await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(1)));
        var second = Within("second sender, ordinary log file, while the first one's log is a FIFO",
            () => ok.Send(TestData.LineId, TestData.UserId, "ok"), stuckPath);
        Assert.Equal(200, second.Status);
        if (await Task.WhenAny(first, Task.Delay(HangBound)) != first)
        {
            Release(stuckPath);
            Assert.Fail("the first sender's send did not return within 20 s");
        }
        Assert.Equal(200, (await first).Status);
        Assert.True(FileLog.Flush(okPath, HangBound));
        Assert.Contains("-> 200 ", Assert.Single(File.ReadAllLines(okPath)), StringComparison.Ordinal);
        Assert.Equal(0, FileLog.DroppedLines(okPath));
    }

    // ---- plumbing ----

    /// <summary>
    /// A sender for <paramref name="server"/> whose log file is set to <paramref name="path"/> (accepted); with
    /// <paramref name="thenReplacedBy"/>, the file is then deleted and something else put at its path.
    /// </summary>
    private static BridgeSender LoggingTo(RawHttpServer server, string path, Action<string>? thenReplacedBy = null)
    {
        var sender = Sender(server);
        Assert.Equal(0, sender.Set(SenderSetting.LogFile, path).Status);
        if (thenReplacedBy is not null)
        {
            File.Delete(path);
            thenReplacedBy(path);
        }
        return sender;
    }

    private static BridgeSender Sender(RawHttpServer server)
    {
        var sender = new BridgeSender();
        sender.Set(SenderSetting.BaseUrl, server.BaseUrl);
        sender.Set(SenderSetting.Login, TestData.Login);
        sender.Set(SenderSetting.Password, TestData.Password);
        sender.Set(SenderSetting.Language, "en");
        sender.Set(SenderSetting.TimeoutMs, "2000");
        sender.Set(SenderSetting.MaxRetries, "0");
        return sender;
    }

    /// <summary>Runs a call that must not hang; past the bound it releases <paramref name="fifo"/> (so no thread stays stuck) and fails.</summary>
    private T Within<T>(string what, Func<T> call, string? fifo = null)
    {
        var watch = Stopwatch.StartNew();
        var task = Task.Factory.StartNew(call, TaskCreationOptions.LongRunning);
        bool done = task.Wait(HangBound);
        output.WriteLine($"{what}: {(done ? "returned" : "still blocked")} after {watch.ElapsedMilliseconds} ms");
        if (!done)
        {
            if (fifo is not null) Release(fifo);
            Assert.Fail($"{what}: still blocked after {HangBound.TotalSeconds} s");
        }
        return task.Result;
    }

    private string Fifo(string name)
    {
        string path = Path.Combine(_dir, name);
        Assert.Equal(0, mkfifo(path, 0x1B6));
        _fifos.Add(path);
        return path;
    }

    /// <summary>Opens and closes the read end, so a writer blocked in open(2) goes on; a no-op when nothing waits.</summary>
    private static void Release(string fifo)
    {
        for (int i = 0; i < 5; i++)
        {
            int fd = open(fifo, ORdOnly | ONonBlock);
            if (fd < 0) return;
            Thread.Sleep(20);
            close(fd);
        }
    }

    private static void Fill(string path)
    {
        var block = new byte[4096];
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
            for (int i = 0; i < 1024; i++) stream.Write(block);
        }
        catch (IOException)
        {
            // full: that is the point
        }
    }

    private static bool Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            if (!process.WaitForExit(20_000)) return false;
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private const int ORdOnly = 0, ONonBlock = 0x800;

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc")]
    private static extern int close(int fd);
}
