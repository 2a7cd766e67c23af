using RabbitMQ.Client;

namespace Tokenizer.AppHost.Hosting;

/// <summary><c>AddRabbitMQ</c> as in Aspire.Hosting.RabbitMQ, with the broker run from its Debian package.</summary>
public static class RabbitMQBuilderExtensions
{
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var command = ServerBinaries.Require("RabbitMQ server", builder.Configuration["RabbitMQ:ServerPath"] ?? "/usr/lib/rabbitmq/bin/rabbitmq-server", ServerBinaries.AptHint);
        var epmdPath = ServerBinaries.Require("Erlang port mapper (epmd)",
            builder.Configuration["RabbitMQ:EpmdPath"] ?? ServerBinaries.FindOnPath("epmd") ?? "/usr/bin/epmd", ServerBinaries.AptHint);
        var data = DataFolder.For(builder);
        var password = data.AddSecretParameter(builder, $"{name}-password");
        var dir = data.ResourceDirectory(name);
        // Mnesia is tied to the node name: stable per data folder, unique per folder so two runs never clash.
        var nodeName = data.GetOrCreateSecret($"{name}-node", () => $"tokenizer-{Guid.NewGuid().ToString("N")[..8]}@localhost");
        var rabbit = new RabbitMQServerResource(name, command, dir, password.Resource);

        var epmd = builder.AddExecutable($"{name}-epmd", epmdPath, dir)
            .WithEndpoint(name: "tcp", scheme: "tcp", isProxied: false)
            .WithParentRelationship(rabbit);
        var epmdPort = epmd.GetEndpoint("tcp").Property(EndpointProperty.TargetPort);
        epmd.WithArgs(context =>
        {
            context.Args.Add("-port");
            context.Args.Add(epmdPort);
            context.Args.Add("-address");
            context.Args.Add("127.0.0.1");
        });

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(rabbit, async (_, ct) =>
        {
            foreach (var sub in new[] { "home", "mnesia", "log" })
            {
                Directory.CreateDirectory(Path.Combine(dir, sub));
            }

            var secret = await rabbit.PasswordParameter.GetValueAsync(ct).ConfigureAwait(false);
            DataFolder.WritePrivate(Path.Combine(dir, "rabbitmq.conf"), string.Join('\n',
                $"default_user = {RabbitMQServerResource.UserName}",
                $"default_pass = {secret}",
                "loopback_users = none",
                "log.console = true",
                "log.file = false",
                ""));
            await File.WriteAllTextAsync(Path.Combine(dir, "enabled_plugins"), "[].\n", ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(dir, "rabbitmq-env.conf"), "# Keeps /etc/rabbitmq/rabbitmq-env.conf out of this node.\n", ct).ConfigureAwait(false);
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(rabbit, async (_, ct) =>
            connectionString = await rabbit.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        // One connection, kept for the checks that follow (as Aspire.Hosting.RabbitMQ does); it recovers by itself.
        IConnection? connection = null;
        builder.Services.AddHealthChecks().AddRabbitMQ(async _ => connection ??= await new ConnectionFactory
        {
            Uri = new Uri(connectionString ?? throw new InvalidOperationException("Connection string is unavailable")),
            ClientProvidedName = "tokenizer-apphost-health",
        }.CreateConnectionAsync().ConfigureAwait(false), healthCheckKey);
        StartupHealthCheck.Wrap(builder.Services, healthCheckKey);

        var primaryPort = rabbit.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
        return builder.AddResource(rabbit)
            .WithEndpoint(name: RabbitMQServerResource.PrimaryEndpointName, scheme: "amqp", isProxied: false)
            .WithEndpoint(name: RabbitMQServerResource.DistributionEndpointName, scheme: "tcp", isProxied: false)
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                env["HOME"] = Path.Combine(dir, "home");
                // The start script then execs the Erlang VM instead of waiting on it in a shell: DCP holds beam's pid.
                env["RUNNING_UNDER_SYSTEMD"] = "true";
                env["ERL_EPMD_PORT"] = epmdPort;
                env["RABBITMQ_NODENAME"] = nodeName;
                env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODE_PORT"] = primaryPort;
                env["RABBITMQ_DIST_PORT"] = rabbit.GetEndpoint(RabbitMQServerResource.DistributionEndpointName).Property(EndpointProperty.TargetPort);
                env["RABBITMQ_MNESIA_BASE"] = Path.Combine(dir, "mnesia");
                env["RABBITMQ_LOG_BASE"] = Path.Combine(dir, "log");
                env["RABBITMQ_LOGS"] = "-";
                env["RABBITMQ_CONFIG_FILE"] = Path.Combine(dir, "rabbitmq.conf");
                env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(dir, "enabled_plugins");
                env["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(dir, "rabbitmq-env.conf");
                // Distribution on loopback only: nothing outside this machine may join the node.
                env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}";
            })
            .WaitFor(epmd)
            .WithHealthCheck(healthCheckKey);
    }
}
