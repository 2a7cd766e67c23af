namespace Tokenizer.Testing;

/// <summary>Paths inside the repository, found by walking up from the test binaries to Tokenizer.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Artifacts => Path.Combine(Root, "contracts", "artifacts");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tokenizer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Tokenizer.sln not found above the test binaries.");
    }
}
