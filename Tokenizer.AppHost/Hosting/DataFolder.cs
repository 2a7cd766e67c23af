using System.Security.Cryptography;
using System.Text.Json;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// The AppHost's state on disk: one sub-folder per server, logs, the pid file, the ports of the last run (reused
/// when still free so connection strings stay stable) and the generated credentials (0600, never printed).
/// </summary>
public sealed class DataFolder
{
    private readonly object _gate = new();
    private readonly string _secretsPath;
    private readonly string _portsPath;
    private readonly Dictionary<string, string> _secrets;
    private readonly Dictionary<string, int> _ports;

    public DataFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(LogsDirectory);
        _secretsPath = Path.Combine(Root, "secrets.json");
        _portsPath = Path.Combine(Root, "ports.json");
        _secrets = Load<Dictionary<string, string>>(_secretsPath) ?? new(StringComparer.Ordinal);
        _ports = Load<Dictionary<string, int>>(_portsPath) ?? new(StringComparer.Ordinal);
    }

    public string Root { get; }

    public string LogsDirectory => Path.Combine(Root, "logs");

    public string LogPath(string resourceName) => Path.Combine(LogsDirectory, resourceName + ".log");

    public string ResourceDirectory(string resourceName) => Path.Combine(Root, resourceName);

    /// <summary>A secret generated on first use and kept for every later run on this folder.</summary>
    public string GetOrCreateSecret(string key, Func<string>? factory = null)
    {
        lock (_gate)
        {
            if (!_secrets.TryGetValue(key, out var value))
            {
                value = factory?.Invoke() ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                _secrets[key] = value;
                WritePrivate(_secretsPath, JsonSerializer.Serialize(_secrets));
            }

            return value;
        }
    }

    public int? GetSavedPort(string key)
    {
        lock (_gate)
        {
            return _ports.TryGetValue(key, out var port) ? port : null;
        }
    }

    public void SavePort(string key, int port)
    {
        lock (_gate)
        {
            _ports[key] = port;
            File.WriteAllText(_portsPath, JsonSerializer.Serialize(_ports));
        }
    }

    public static void WritePrivate(string path, string contents)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.Create,
                   Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
        }

        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }

    private static T? Load<T>(string path) where T : class =>
        File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path)) : null;

    /// <summary>The folder holding Tokenizer.sln, walking up from the AppHost's base directory, then from the current directory.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Tokenizer.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
