using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// Where the servers the AppHost runs keep their state across runs: one folder per server and the credentials
/// generated for them (<c>secrets.json</c>, mode 0600, never printed). Aspire's own <c>persist: true</c> parameters
/// are rewritten outside Development and the existing databases would then refuse the new password, so the
/// secrets live with the data they protect: delete the folder and both go together.
/// </summary>
public sealed class DataFolder
{
    private static readonly ConcurrentDictionary<IDistributedApplicationBuilder, DataFolder> Folders = new();

    private readonly Lock _gate = new();
    private readonly string _secretsPath;

    private DataFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        _secretsPath = Path.Combine(Root, "secrets.json");
    }

    public string Root { get; }

    /// <summary>The data folder of this AppHost: <c>AppHost:DataDir</c> (<c>--data-dir</c>), else <c>.tokenizer/</c> at the repository root.</summary>
    public static DataFolder For(IDistributedApplicationBuilder builder) => Folders.GetOrAdd(builder, b =>
    {
        var configured = b.Configuration["AppHost:DataDir"];
        return new DataFolder(string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(b.AppHostDirectory, "..", ".tokenizer")
            : configured);
    });

    /// <summary>The folder of one server, created on first use.</summary>
    public string ResourceDirectory(string resourceName)
    {
        var dir = Path.Combine(Root, resourceName);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A secret generated on first use and kept for every later run on this folder.</summary>
    public string GetOrCreateSecret(string key, Func<string>? factory = null)
    {
        lock (_gate)
        {
            var secrets = File.Exists(_secretsPath)
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(_secretsPath)) ?? []
                : [];
            if (!secrets.TryGetValue(key, out var value))
            {
                // Hex only: no character any connection-string format treats specially.
                value = factory?.Invoke() ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                secrets[key] = value;
                WritePrivate(_secretsPath, JsonSerializer.Serialize(secrets));
            }

            return value;
        }
    }

    /// <summary>A secret of this folder as an Aspire parameter, so it is masked in the dashboard like any other.</summary>
    public IResourceBuilder<ParameterResource> AddSecretParameter(IDistributedApplicationBuilder builder, string name) =>
        builder.Configuration[$"Parameters:{name}"] is { Length: > 0 }
            ? builder.AddParameter(name, secret: true)
            : builder.AddParameter(name, () => GetOrCreateSecret(name), secret: true);

    /// <summary>Writes a file only its owner can read, atomically.</summary>
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
}
