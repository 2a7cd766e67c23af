namespace Tokenizer.FunctionalTests.Infrastructure;

/// <summary>Temporary data folders for test platforms.</summary>
public static class TestRuns
{
    /// <summary>Under /tmp: the postgres user must be able to reach it, which a home folder may not allow.</summary>
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "tokenizer-tests");

    /// <summary>A new empty folder; folders of earlier runs older than a day are removed first.</summary>
    public static string CreateDataDirectory(string purpose)
    {
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        foreach (var stale in Directory.EnumerateDirectories(Root).Where(d => Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow.AddDays(-1)))
        {
            TryDelete(stale);
        }

        var dir = Path.Combine(Root, $"{purpose}-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        return dir;
    }

    public static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for a later run's clean-up.
        }
    }

    /// <summary>The folder holding Tokenizer.sln, walking up from the test's base directory.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tokenizer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tokenizer.sln not found above the test folder.");
    }
}
