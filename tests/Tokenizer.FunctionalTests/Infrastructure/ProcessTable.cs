using System.Globalization;

namespace Tokenizer.FunctionalTests.Infrastructure;

/// <summary>The machine's processes, read from /proc.</summary>
internal static class ProcessTable
{
    public static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : 0).Where(p => p > 0);

    public static List<int> WithDescendants(IReadOnlyCollection<int> roots)
    {
        var parents = All().Select(p => (Pid: p, Stat: Stat(p))).Where(p => p.Stat is not null).ToList();
        var result = new HashSet<int>(roots);
        for (var added = true; added;)
        {
            var children = parents.Where(p => result.Contains(p.Stat!.Value.Parent) && !result.Contains(p.Pid)).Select(p => p.Pid).ToList();
            result.UnionWith(children);
            added = children.Count > 0;
        }

        return [.. result];
    }

    public static bool IsAlive(int pid) => Stat(pid) is { State: not "Z" };

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static (string State, int Parent)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
