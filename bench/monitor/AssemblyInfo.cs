// Like the AppHost it starts, the bench runs on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
