
namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// Finds the server binaries the AppHost runs, and refuses to start with the install command when one is missing:
/// DCP would otherwise only show the resource as FailedToStart, without saying what to do.
/// </summary>
internal static class ServerBinaries
{
    public const string AptHint = "sudo apt-get install -y postgresql redis-server rabbitmq-server (or script/bootstrap)";
    public const string NpmHint = "npm ci at the repository root (or script/bootstrap)";

    /// <summary>The newest installed PostgreSQL's bin folder, e.g. /usr/lib/postgresql/15/bin.</summary>
    public static string PostgresBinDirectory(IConfiguration configuration)
    {
        if (configuration["Postgres:BinDirectory"] is { Length: > 0 } configured)
        {
            return configured;
        }

        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "bin", "postgres")))
                .OrderByDescending(d => d.Version)
                .ToList()
            : [];
        return versions.Count > 0 ? Path.Combine(versions[0].Dir, "bin") : "/usr/lib/postgresql/15/bin";
    }

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public static string Require(string what, string path, string hint) =>
        File.Exists(path)
            ? path
            : throw new DistributedApplicationException($"{what} not found at {path}. Install it: {hint}.");
}
