using System.Globalization;
using RabbitMQ.Client;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// A RabbitMQ node private to this data folder: its own node name, AMQP and distribution ports, its own epmd (a
/// child we start and stop), Mnesia, logs, config, plugin list (none, for a fast start) and HOME for the Erlang
/// cookie. Or an existing broker from <c>ConnectionStrings:{name}</c>.
/// </summary>
public sealed class RabbitMQServerResource(string name, string serverPath, string epmdPath, string? existingConnectionString)
    : Resource(name), IResourceWithConnectionString
{
    private const string UserName = "tokenizer";

    private string? _password;
    private ManagedProcess? _epmd;

    public string ServerPath { get; } = serverPath;

    public string EpmdPath { get; } = epmdPath;

    public bool IsExternal => existingConnectionString is not null;

    public override IReadOnlyList<PortRequest> PortRequests =>
        IsExternal ? [] : [new PortRequest("tcp"), new PortRequest("dist"), new PortRequest("epmd")];

    public override string? DisplayEndpoint => IsExternal
        ? "existing " + new Uri(existingConnectionString!).Authority.Split('@')[^1]
        : Ports.TryGetValue("tcp", out var port) ? $"127.0.0.1:{port}" : null;

    public string GetConnectionString() => existingConnectionString
        ?? $"amqp://{UserName}:{_password ?? throw new InvalidOperationException("The rabbitmq password is not known before start.")}@127.0.0.1:{Ports["tcp"]}/";

    public override IEnumerable<Prerequisite> GetPrerequisites() => IsExternal
        ? []
        :
        [
            new Prerequisite("RabbitMQ server", ServerPath, Prerequisites.AptHint),
            new Prerequisite("Erlang port mapper (epmd)", EpmdPath, Prerequisites.AptHint),
        ];

    public override async Task StartAsync(HostingContext context, CancellationToken cancellationToken)
    {
        if (IsExternal)
        {
            return;
        }

        _password = context.Data.GetOrCreateSecret("rabbitmq.password");
        // Stable per data folder (Mnesia is tied to the node name), unique per folder so two runs never clash.
        var nodeName = context.Data.GetOrCreateSecret("rabbitmq.node", () => $"tokenizer-{Guid.NewGuid().ToString("N")[..8]}@localhost");
        var dir = context.Data.ResourceDirectory(Name);
        var home = Path.Combine(dir, "home");
        var mnesia = Path.Combine(dir, "mnesia");
        var logs = Path.Combine(dir, "log");
        foreach (var d in new[] { dir, home, mnesia, logs })
        {
            Directory.CreateDirectory(d);
        }

        LogPath = context.Data.LogPath(Name);
        var inv = CultureInfo.InvariantCulture;
        var config = Path.Combine(dir, "rabbitmq.conf");
        DataFolder.WritePrivate(config, string.Join('\n',
            $"listeners.tcp.default = 127.0.0.1:{Ports["tcp"].ToString(inv)}",
            $"default_user = {UserName}",
            $"default_pass = {_password}",
            "loopback_users = none",
            "log.console = true",
            "log.file = false",
            ""));
        var plugins = Path.Combine(dir, "enabled_plugins");
        await File.WriteAllTextAsync(plugins, "[].\n", cancellationToken);
        var envFile = Path.Combine(dir, "rabbitmq-env.conf");
        await File.WriteAllTextAsync(envFile, "# Intentionally empty: keeps /etc/rabbitmq/rabbitmq-env.conf out of this node.\n", cancellationToken);

        var epmdPort = Ports["epmd"].ToString(inv);
        _epmd = context.StartProcess(new ProcessSpec
        {
            Name = Name + "-epmd",
            FileName = EpmdPath,
            Arguments = ["-port", epmdPort, "-address", "127.0.0.1"],
            LogPath = context.Data.LogPath(Name + "-epmd"),
            WorkingDirectory = dir,
            Marker = $"-port {epmdPort} -address 127.0.0.1",
            StopTimeout = TimeSpan.FromSeconds(3),
        });
        await WaitForPortAsync(Ports["epmd"], _epmd, TimeSpan.FromSeconds(10), cancellationToken);

        Process = context.StartProcess(new ProcessSpec
        {
            Name = Name,
            FileName = ServerPath,
            LogPath = LogPath,
            WorkingDirectory = dir,
            Marker = home,
            StopTimeout = TimeSpan.FromSeconds(20),
            Environment =
            {
                ["HOME"] = home,
                // Makes the start script exec the Erlang VM instead of waiting on it in a shell: the pid we hold is beam's.
                ["RUNNING_UNDER_SYSTEMD"] = "true",
                ["ERL_EPMD_PORT"] = epmdPort,
                ["RABBITMQ_NODENAME"] = nodeName,
                ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_NODE_PORT"] = Ports["tcp"].ToString(inv),
                ["RABBITMQ_DIST_PORT"] = Ports["dist"].ToString(inv),
                ["RABBITMQ_MNESIA_BASE"] = mnesia,
                ["RABBITMQ_LOG_BASE"] = logs,
                ["RABBITMQ_LOGS"] = "-",
                ["RABBITMQ_CONFIG_FILE"] = config,
                ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
                ["RABBITMQ_CONF_ENV_FILE"] = envFile,
                ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-start_epmd false",
            },
        });
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_epmd is not null)
        {
            await _epmd.StopAsync(cancellationToken);
        }
    }

    public override async Task<HealthStatus> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(GetConnectionString()),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            AutomaticRecoveryEnabled = false,
            ClientProvidedName = "tokenizer-apphost-health",
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await connection.CloseAsync(cancellationToken);
        return HealthStatus.Healthy;
    }

    private static async Task WaitForPortAsync(int port, ManagedProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new DistributedApplicationException($"{process.Name} exited with code {process.Exited.Result}; see {process.LogPath}");
            }

            if (!LocalPorts.IsFree(port))
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new DistributedApplicationException($"{process.Name} did not listen on port {port} within {timeout.TotalSeconds:0}s; see {process.LogPath}");
    }
}

public static class RabbitMQBuilderExtensions
{
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RabbitMQServerResource(
            name,
            builder.Configuration["RabbitMQ:ServerPath"] ?? "/usr/lib/rabbitmq/bin/rabbitmq-server",
            builder.Configuration["RabbitMQ:EpmdPath"] ?? Prerequisites.FindOnPath("epmd") ?? "/usr/bin/epmd",
            builder.Configuration.GetConnectionString(name)));
}
