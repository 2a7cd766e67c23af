// The AppHost drives Linux processes (setsid, setpriv, /proc, POSIX signals); it does not run elsewhere.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
