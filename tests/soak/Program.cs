// Soak of the .NET API: T threads x N sends, each thread with its own BridgeSender (the sender the native and COM
// surfaces wrap), a unique text per message, against the emulator. Passes when the emulator recorded every
// (thread, seq) exactly once and every send returned 200. Reports RSS at every 10 000 sends and the growth
// between 10k and the end.
//
//   dotnet connect-bridge-soak.dll [--threads 8] [--messages 10000] [--short] [--in-process-emulator] [--json FILE]
//                                  [--inject lost|duplicate]   (skips or repeats one send: the run must then FAIL)
//
// By default the emulator runs in a child process (this program with --serve-emulator), so the RSS figures are the
// client's alone: the emulator keeps every call it accepts, which would otherwise grow this process by ~1 KB a send.
// --in-process-emulator runs it in this process instead (RSS then includes those records).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Connect.Bridge;
using Connect.Bridge.Emulator;
using Connect.Bridge.Hosting;

const string LineId = "5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44";
const string UserId = "df4cca69-ce40-472e-9083-af9b279c72cc";
const string Login = "soak-bot";

if (args.Contains("--serve-emulator")) return await ServeEmulatorAsync(args);

int threads = IntArg("--threads", 8);
int messages = IntArg("--messages", args.Contains("--short") ? 500 : 10_000);
bool inProcess = args.Contains("--in-process-emulator");
string? jsonPath = StringArg("--json");
string? inject = StringArg("--inject"); // "lost" or "duplicate": makes the run fail on purpose, to show the check can fail
if (threads is < 1 or > 64 || messages is < 1 or > 1_000_000) return Fail("threads 1..64, messages 1..1000000");
string password = "soak-" + Guid.NewGuid().ToString("N");
string run = Guid.NewGuid().ToString("N")[..8];
long total = (long)threads * messages;

// ---- the emulator --------------------------------------------------------------------------------------------------
EmulatorServer? local = null;
Process? child = null;
string baseUrl;
if (inProcess)
{
    local = await EmulatorServer.StartAsync(new EmulatorSettings { Login = Login, Password = password });
    baseUrl = local.BaseUrl.ToString();
}
else
{
    var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
    foreach (var a in new[] { "--serve-emulator", "--login", Login, "--password", password }) psi.ArgumentList.Add(a);
    child = Process.Start(psi)!;
    string? ready = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
    if (ready is null || !ready.StartsWith("READY ", StringComparison.Ordinal)) return Fail("the emulator child did not start: " + ready);
    baseUrl = ready["READY ".Length..];
}

try
{
    using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
    Console.WriteLine($"soak: {threads} threads x {messages} sends = {total} through BridgeSender, emulator {(inProcess ? "in process" : "in a child process")} at {baseUrl}");

    // ---- warm-up: the same load (T threads, 1 000 sends each; 100 with --short) for JIT, the pool and the GC's working
    // sizes, so "RSS at 10k" is a warmed-up figure. Then a clean emulator: the warm-up sends are not counted.
    int warmUp = args.Contains("--short") ? 100 : 1_000, warmFailures = 0;
    var warmers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
    {
        using var warm = NewSender(baseUrl, password);
        for (int i = 0; i < warmUp; i++)
            if (warm.Send(LineId, UserId, $"warm-up t{t} {i}").Status != 200) Interlocked.Increment(ref warmFailures);
    })).ToList();
    warmers.ForEach(w => w.Start());
    warmers.ForEach(w => w.Join());
    if (warmFailures > 0) return Fail($"{warmFailures} warm-up sends failed");
    Console.WriteLine($"warm-up: {threads} x {warmUp} sends (not counted), RSS {RssKb() / 1024.0:0.0} MB");
    if (local is not null) local.Reset();
    else (await http.PostAsync("emulator/reset", null)).EnsureSuccessStatusCode();

    // ---- the sends ---------------------------------------------------------------------------------------------------
    long sent = 0;
    var samples = new List<(long Sends, long RssKb, long HeapKb, double Seconds)>();
    var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
    var failedCount = new int[threads];
    var clock = Stopwatch.StartNew();
    samples.Add((0, RssKb(), GC.GetTotalMemory(false) / 1024, 0));
    var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
    {
        using var sender = NewSender(baseUrl, password);
        for (int seq = 0; seq < messages; seq++)
        {
            if (inject == "lost" && t == 0 && seq == 1) { Interlocked.Increment(ref sent); continue; } // checks the checker
            var outcome = sender.Send(LineId, UserId, $"soak {run} t{t:D2} s{seq:D7}");
            if (inject == "duplicate" && t == 0 && seq == 0) sender.Send(LineId, UserId, $"soak {run} t{t:D2} s{seq:D7}");
            if (outcome.Status != 200)
            {
                failedCount[t]++;
                if (failures.Count < 20) failures.Enqueue($"t{t} s{seq}: {outcome}");
            }
            long n = Interlocked.Increment(ref sent);
            if (n % 10_000 == 0 || n == total)
                lock (samples) samples.Add((n, RssKb(), GC.GetTotalMemory(false) / 1024, clock.Elapsed.TotalSeconds));
        }
    })
    { Name = "soak-" + t }).ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    clock.Stop();
    samples.Sort((a, b) => a.Sends.CompareTo(b.Sends));
    var end = samples[^1];

    // ---- the emulator's records: every (thread, seq) exactly once ---------------------------------------------------
    var counts = new int[threads, messages];
    int foreign = 0, records = 0;
    var pattern = new Regex($@"^soak {run} t(\d{{2}}) s(\d{{7}})$", RegexOptions.CultureInvariant);
    void Count(string? text)
    {
        records++;
        var m = text is null ? null : pattern.Match(text);
        if (m is null || !m.Success) { foreign++; return; }
        int t = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), s = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (t >= threads || s >= messages) { foreign++; return; }
        counts[t, s]++;
    }
    long requests, accepted;
    if (local is not null)
    {
        foreach (var call in local.Calls) Count(call.Text);
        (requests, accepted) = (local.RequestCount, local.AcceptedCount);
    }
    else
    {
        using (var stream = await http.GetStreamAsync("emulator/messages"))
        using (var doc = await JsonDocument.ParseAsync(stream))
            foreach (var call in doc.RootElement.EnumerateArray()) Count(call.GetProperty("text").GetString());
        using var stats = JsonDocument.Parse(await http.GetStringAsync("emulator/stats"));
        (requests, accepted) = (stats.RootElement.GetProperty("requests").GetInt64(), stats.RootElement.GetProperty("accepted").GetInt64());
    }
    int lost = 0, duplicated = 0;
    foreach (int c in counts)
    {
        if (c == 0) lost++;
        else if (c > 1) duplicated += c - 1;
    }
    int failed = failedCount.Sum();

    // ---- report ------------------------------------------------------------------------------------------------------
    var at10k = samples.FirstOrDefault(s => s.Sends == 10_000);
    Console.WriteLine($"sends: {total}, returned 200: {total - failed}, failed: {failed}");
    Console.WriteLine($"emulator: requests {requests}, accepted {accepted}, records {records}, foreign records {foreign}");
    Console.WriteLine($"lost: {lost}, duplicated: {duplicated}");
    Console.WriteLine($"time: {clock.Elapsed.TotalSeconds:0.0} s, {total / clock.Elapsed.TotalSeconds:0} sends/s");
    Console.WriteLine("RSS by sends (MB): " + string.Join(", ", samples.Select(s => $"{s.Sends / 1000}k={s.RssKb / 1024.0:0.0}")));
    if (at10k.Sends == 10_000)
        Console.WriteLine($"RSS at 10k: {at10k.RssKb / 1024.0:0.0} MB, at {end.Sends / 1000}k: {end.RssKb / 1024.0:0.0} MB, growth: {(end.RssKb - at10k.RssKb) / 1024.0:+0.0;-0.0;0.0} MB");
    else
        Console.WriteLine($"RSS at start: {samples[0].RssKb / 1024.0:0.0} MB, at {end.Sends}: {end.RssKb / 1024.0:0.0} MB (short run: fewer than 10k sends)");
    foreach (var f in failures) Console.WriteLine("  failure: " + f);

    bool pass = lost == 0 && duplicated == 0 && foreign == 0 && failed == 0 && records == total && accepted == total && requests == total;
    if (jsonPath is not null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(new
        {
            surface = "dotnet",
            api = "BridgeSender",
            emulator = inProcess ? "in-process" : "child-process",
            threads, messages, total, failed, lost, duplicated, foreign, records, requests, accepted, pass,
            warm_up_sends = threads * warmUp,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            rss_mb = samples.Select(s => new { sends = s.Sends, rss = Math.Round(s.RssKb / 1024.0, 1), managed_heap = Math.Round(s.HeapKb / 1024.0, 1) }),
            rss_growth_10k_to_end_mb = at10k.Sends == 10_000 ? Math.Round((end.RssKb - at10k.RssKb) / 1024.0, 1) : (double?)null,
            machine = $"{Environment.ProcessorCount} CPUs, {RuntimeInformationText()}",
        }, new JsonSerializerOptions { WriteIndented = true }));
    }
    Console.WriteLine(pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
finally
{
    if (local is not null) await local.DisposeAsync();
    if (child is not null)
    {
        child.StandardInput.Close(); // the child stops when its stdin closes
        if (!child.WaitForExit(10_000)) child.Kill(entireProcessTree: true);
    }
}

// ---- helpers -------------------------------------------------------------------------------------------------------

static BridgeSender NewSender(string baseUrl, string password)
{
    var sender = new BridgeSender();
    foreach (var (option, value) in new[] { (SenderSetting.BaseUrl, baseUrl), (SenderSetting.Login, Login), (SenderSetting.Password, password), (SenderSetting.Language, "en") })
        if (!sender.Set(option, value).Succeeded) throw new InvalidOperationException(sender.LastOutcome.ToString());
    return sender;
}

static long RssKb()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    using var self = Process.GetCurrentProcess();
    return self.WorkingSet64 / 1024;
}

static string RuntimeInformationText() => $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";

int IntArg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int v) ? v : fallback;
}

string? StringArg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static int Fail(string message)
{
    Console.Error.WriteLine("soak: " + message);
    return 2;
}

static async Task<int> ServeEmulatorAsync(string[] args)
{
    string Arg(string name) => args[Array.IndexOf(args, name) + 1];
    await using var emulator = await EmulatorServer.StartAsync(new EmulatorSettings { Login = Arg("--login"), Password = Arg("--password") });
    Console.WriteLine("READY " + emulator.BaseUrl);
    Console.Out.Flush();
    await Console.In.ReadToEndAsync(); // until the parent closes our stdin (or dies)
    return 0;
}
