// The telemetry test listens process-wide (ActivityListener, MeterListener): other tests must not send meanwhile.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
