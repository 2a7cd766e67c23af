using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Tokenizer.AppHost.Hosting;

/// <summary>A Redis server in &lt;data&gt;/redis (append-only file, password from the data folder), or an existing one.</summary>
public sealed class RedisResource(string name, string serverPath, string? existingConnectionString)
    : Resource(name), IResourceWithConnectionString
{
    private string? _password;

    public string ServerPath { get; } = serverPath;

    public bool IsExternal => existingConnectionString is not null;

    public override IReadOnlyList<PortRequest> PortRequests => IsExternal ? [] : [new PortRequest("tcp")];

    public override string? DisplayEndpoint => IsExternal
        ? "existing " + existingConnectionString!.Split(',')[0]
        : Ports.TryGetValue("tcp", out var port) ? $"127.0.0.1:{port}" : null;

    public string GetConnectionString() => existingConnectionString
        ?? $"127.0.0.1:{Ports["tcp"]},password={_password ?? throw new InvalidOperationException("The redis password is not known before start.")}";

    public override IEnumerable<Prerequisite> GetPrerequisites() =>
        IsExternal ? [] : [new Prerequisite("Redis server", ServerPath, Prerequisites.AptHint)];

    public override Task StartAsync(HostingContext context, CancellationToken cancellationToken)
    {
        if (IsExternal)
        {
            return Task.CompletedTask;
        }

        _password = context.Data.GetOrCreateSecret("redis.password");
        var dir = context.Data.ResourceDirectory(Name);
        Directory.CreateDirectory(dir);
        LogPath = context.Data.LogPath(Name);
        // The password lives in a 0600 file rather than on the command line, where ps would show it.
        var config = Path.Combine(dir, "redis.conf");
        DataFolder.WritePrivate(config, string.Join('\n',
            "bind 127.0.0.1",
            $"port {Ports["tcp"].ToString(CultureInfo.InvariantCulture)}",
            $"dir {dir}",
            "daemonize no",
            "protected-mode yes",
            $"requirepass {_password}",
            "appendonly yes",
            "appendfsync everysec",
            "save \"\"",
            "logfile \"\"",
            "databases 16",
            ""));

        Process = context.StartProcess(new ProcessSpec
        {
            Name = Name,
            FileName = ServerPath,
            Arguments = [config],
            LogPath = LogPath,
            WorkingDirectory = dir,
            // redis-server rewrites its process title to "redis-server 127.0.0.1:<port>".
            Marker = $"127.0.0.1:{Ports["tcp"].ToString(CultureInfo.InvariantCulture)}",
        });
        return Task.CompletedTask;
    }

    public override async Task<HealthStatus> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var parts = GetConnectionString().Split(',', StringSplitOptions.TrimEntries);
        var hostPort = parts[0];
        var separator = hostPort.LastIndexOf(':');
        var host = separator > 0 ? hostPort[..separator] : hostPort;
        var port = separator > 0 ? int.Parse(hostPort[(separator + 1)..], CultureInfo.InvariantCulture) : 6379;
        var password = parts.Skip(1).Where(p => p.StartsWith("password=", StringComparison.OrdinalIgnoreCase))
            .Select(p => p["password=".Length..]).FirstOrDefault();

        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken);
        var stream = client.GetStream();
        var request = new StringBuilder();
        if (password is not null)
        {
            request.Append(CultureInfo.InvariantCulture, $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(password)}\r\n{password}\r\n");
        }

        request.Append("*1\r\n$4\r\nPING\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);

        var buffer = new byte[256];
        var received = new StringBuilder();
        while (!received.ToString().Contains("PONG", StringComparison.Ordinal) && !received.ToString().Contains('-'))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        // "-LOADING" while the dataset loads, "-NOAUTH"/"-WRONGPASS" on a bad password: not healthy.
        return received.ToString().Contains("+PONG", StringComparison.Ordinal) ? HealthStatus.Healthy : HealthStatus.NotReady;
    }
}

public static class RedisBuilderExtensions
{
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RedisResource(name, builder.Configuration["Redis:ServerPath"] ?? "/usr/bin/redis-server", builder.Configuration.GetConnectionString(name)));
}
