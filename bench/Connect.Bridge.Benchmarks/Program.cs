using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// A short job, in process (no generated project to build): enough for stable allocation figures (they are exact)
// and a median time per operation. BENCH_BDN_FULL=1 uses BenchmarkDotNet's default (longer) job instead.
bool full = Environment.GetEnvironmentVariable("BENCH_BDN_FULL") == "1";
var job = (full ? Job.Default : Job.ShortRun.WithWarmupCount(3).WithIterationCount(7))
    .WithToolchain(InProcessEmitToolchain.Instance);
var config = ManualConfig.CreateMinimumViable()
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full)
    .WithOptions(ConfigOptions.DisableLogFile);
BenchmarkSwitcher.FromAssembly(typeof(Connect.Bridge.Benchmarks.MessageBenchmarks).Assembly).Run(args, config);
