using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Connect.Bridge.Hosting;

/// <summary>
/// The LogFile setting: an <see cref="ILogger"/> for hosts that have none (C, Delphi, COM, 1C). It appends the same
/// lines the .NET logger gets (one per attempt, already scrubbed by the client) to a UTF-8 file, and passes them on
/// to the logger the .NET caller set, if any.
/// </summary>
/// <remarks>
/// A log file never holds the host: the setting refuses what is not a regular file (a FIFO, a directory, a device, a
/// socket), and a line is only handed to the writer of its file, which appends it on a thread of its own. Each path
/// has one writer (per-file serialization, nothing shared between files); a line that cannot be written (the disk
/// is full, the place is read-only, the path became something else, the writer is stuck) is dropped and counted,
/// never waited on, and the outcome of the send is the same as without a log file. When writing works again, the
/// writer first appends how many lines were dropped.
/// </remarks>
internal sealed class FileLog : ILogger
{
    /// <summary>Lines a file's writer may have waiting; more are dropped (and counted).</summary>
    private const int MaxPendingLines = 1000;

    /// <summary>How long releasing a sender (and the process exit) waits for lines still being written.</summary>
    public static readonly TimeSpan ReleaseWait = TimeSpan.FromSeconds(1);

    private static readonly ConcurrentDictionary<string, Writer> Writers =
        new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static int _exitHooked;

    private readonly Writer _writer;
    private readonly ILogger? _next;

    public FileLog(string path, ILogger? next)
    {
        _writer = WriterFor(path);
        _next = next;
    }

    /// <summary>
    /// Whether the file can serve as a log: null when it can, else the refusal text. Never blocks: what is not a
    /// regular file is refused before anything opens it (opening a FIFO without a reader would wait for one).
    /// </summary>
    public static string? Check(string path, ErrorLanguage language)
    {
        try
        {
            if (FileKind.Of(path) is var kind and not FileKind.Kind.RegularOrAbsent)
                return Texts.LogFileNotRegular(path, KindText(kind, language), language);
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            // What opens but cannot seek is a pipe or a device (Windows: NUL, CON, \\.\pipe\...): not a regular file.
            return stream.CanSeek ? null : Texts.LogFileNotRegular(path, KindText(FileKind.Kind.Other, language), language);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return Texts.BadLogFile(path, ex.GetType().Name, language);
        }
    }

    /// <summary>How many lines for this file were dropped in this process (not written: the file failed or was stuck).</summary>
    public static long DroppedLines(string path) => Writers.TryGetValue(Key(path), out var writer) ? writer.Dropped : 0;

    /// <summary>Waits, at most <paramref name="wait"/>, until the lines handed over for this file are written or dropped.</summary>
    public static bool Flush(string path, TimeSpan wait) => !Writers.TryGetValue(Key(path), out var writer) || writer.Flush(wait);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _next?.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _next?.Log(logLevel, eventId, state, exception, formatter);
        ArgumentNullException.ThrowIfNull(formatter);
        _writer.Add(Line(logLevel.ToString(), formatter(state, exception)));
    }

    private static string Line(string level, string text) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss.fffzzz} {level} {text}{Environment.NewLine}");

    private static string Key(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            return path;
        }
    }

    private static Writer WriterFor(string path)
    {
        if (Interlocked.Exchange(ref _exitHooked, 1) == 0)
            AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
            {
                foreach (var writer in Writers.Values) writer.Flush(ReleaseWait);
            };
        return Writers.GetOrAdd(Key(path), static (_, p) => new Writer(p), path);
    }

    private static string KindText(FileKind.Kind kind, ErrorLanguage l) => kind switch
    {
        FileKind.Kind.Directory => Texts.KindDirectory(l),
        FileKind.Kind.Fifo => Texts.KindFifo(l),
        FileKind.Kind.CharacterDevice => Texts.KindCharacterDevice(l),
        FileKind.Kind.BlockDevice => Texts.KindBlockDevice(l),
        FileKind.Kind.Socket => Texts.KindSocket(l),
        _ => Texts.KindDeviceOrPipe(l),
    };

    /// <summary>The one writer of a file: lines queue here and a thread of its own appends them; nobody waits on it.</summary>
    private sealed class Writer(string path)
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private int _pending;   // lines handed over and not yet written or dropped
        private int _running;   // 1 while a thread drains the queue
        private long _dropped;
        private long _reported; // dropped lines already announced in the file

        public long Dropped => Interlocked.Read(ref _dropped);

        public void Add(string line)
        {
            if (Interlocked.Increment(ref _pending) > MaxPendingLines)
            {
                // The writer is stuck or far behind: this line is dropped, the send goes on.
                Interlocked.Decrement(ref _pending);
                Interlocked.Increment(ref _dropped);
                return;
            }
            _lines.Enqueue(line);
            if (Interlocked.CompareExchange(ref _running, 1, 0) == 0) Start();
        }

        public bool Flush(TimeSpan wait)
        {
            long deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
            while (Volatile.Read(ref _pending) > 0)
            {
                if (Environment.TickCount64 >= deadline) return false;
                Thread.Sleep(5);
            }
            return true;
        }

        private void Start()
        {
            try
            {
                new Thread(Drain) { IsBackground = true, Name = "Connect.Bridge log file" }.Start();
            }
            catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
            {
                // No thread for the log: its lines are dropped, never the send.
                DropQueued();
                Volatile.Write(ref _running, 0);
            }
        }

        private void Drain()
        {
            var batch = new StringBuilder();
            while (true)
            {
                batch.Clear();
                int count = 0;
                while (_lines.TryDequeue(out var line))
                {
                    batch.Append(line);
                    count++;
                }
                if (count > 0)
                {
                    if (!Append(batch)) Interlocked.Add(ref _dropped, count);
                    Interlocked.Add(ref _pending, -count);
                    continue;
                }
                Volatile.Write(ref _running, 0);
                // A line queued after the queue looked empty, before _running went to 0: take it, unless another thread has.
                if (_lines.IsEmpty || Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
            }
        }

        private bool Append(StringBuilder batch)
        {
            try
            {
                // Checked again before each write: the path may have become a FIFO or a directory since it was set.
                if (FileKind.Of(path) is not FileKind.Kind.RegularOrAbsent) return false;
                using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                if (!stream.CanSeek) return false;
                long dropped = Dropped, reported = Interlocked.Read(ref _reported);
                if (dropped > reported)
                    batch.Insert(0, Line(nameof(LogLevel.Warning), Texts.LogLinesDropped(dropped - reported)));
                stream.Write(Utf8.GetBytes(batch.ToString()));
                stream.Flush();
                Interlocked.Exchange(ref _reported, dropped);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
            {
                // A diagnostics file that failed (disk full, read-only, deleted folder) must not turn a sent message into a failure.
                return false;
            }
        }

        private void DropQueued()
        {
            while (_lines.TryDequeue(out _))
            {
                Interlocked.Increment(ref _dropped);
                Interlocked.Decrement(ref _pending);
            }
        }
    }
}

/// <summary>What a path names, found without opening it (opening a FIFO blocks until the other end opens).</summary>
internal static class FileKind
{
    public enum Kind
    {
        /// <summary>A regular file, or nothing yet (it will be created as one), or a path whose type cannot be read.</summary>
        RegularOrAbsent,
        Directory,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
        /// <summary>A device or pipe that is none of the above (Windows device names).</summary>
        Other,
    }

    public static Kind Of(string path)
    {
        if (path.Contains('\0')) return Kind.RegularOrAbsent; // not a path at all: the open refuses it with its own text
        if (Directory.Exists(path)) return Kind.Directory;
        if (OperatingSystem.IsLinux()) return Linux.Of(path);
        if (OperatingSystem.IsWindows())
        {
            // NUL, CON, COM1, \\.\pipe\x ... live in the device namespace: never a regular file.
            try
            {
                return Path.GetFullPath(path).StartsWith(@"\\.\", StringComparison.Ordinal) ? Kind.Other : Kind.RegularOrAbsent;
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
            {
                return Kind.RegularOrAbsent;
            }
        }
        return Kind.RegularOrAbsent;
    }

    /// <summary>statx(2) (glibc 2.28, the library's baseline): its layout is the same on every architecture.</summary>
    private static class Linux
    {
        private const int AtFdCwd = -100;
        private const uint StatxType = 0x1;
        private const int ModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode

        [MethodImpl(MethodImplOptions.NoInlining)] // the import is resolved only when called, and only on Linux
        public static Kind Of(string path)
        {
            byte[] name = new byte[Encoding.UTF8.GetMaxByteCount(path.Length) + 1];
            Encoding.UTF8.GetBytes(path, name);
            byte[] buffer = new byte[256];
            try
            {
                if (statx(AtFdCwd, ref name[0], 0, StatxType, ref buffer[0]) != 0) return Kind.RegularOrAbsent; // absent, or unreadable: the open says why
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                return Kind.RegularOrAbsent;
            }
            int mode = BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000;
            return mode switch
            {
                0x8000 => Kind.RegularOrAbsent,
                0x4000 => Kind.Directory,
                0x1000 => Kind.Fifo,
                0x2000 => Kind.CharacterDevice,
                0x6000 => Kind.BlockDevice,
                0xC000 => Kind.Socket,
                _ => Kind.Other,
            };
        }

        [DllImport("libc", EntryPoint = "statx")]
        private static extern int statx(int dirfd, ref byte pathname, int flags, uint mask, ref byte statxbuf);
    }
}
