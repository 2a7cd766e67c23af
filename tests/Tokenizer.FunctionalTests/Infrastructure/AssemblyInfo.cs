// The platform runs real servers on a small machine: one test collection at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Like the AppHost it drives, the functional tests run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
