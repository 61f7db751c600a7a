// The telemetry test listens process-wide (ActivityListener, MetricCollector): other tests must not send meanwhile.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
