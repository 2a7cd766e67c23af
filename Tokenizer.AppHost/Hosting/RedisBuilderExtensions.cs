namespace Tokenizer.AppHost.Hosting;

/// <summary><c>AddRedis</c> as in Aspire.Hosting.Redis, with the server run from its Debian binary.</summary>
public static class RedisBuilderExtensions
{
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var command = ServerBinaries.Require("Redis server", builder.Configuration["Redis:ServerPath"] ?? "/usr/bin/redis-server", ServerBinaries.AptHint);
        var data = DataFolder.For(builder);
        var password = data.AddSecretParameter(builder, $"{name}-password");
        var redis = new RedisResource(name, command, data.ResourceDirectory(name), password.Resource);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, ct) =>
        {
            var secret = await redis.PasswordParameter.GetValueAsync(ct).ConfigureAwait(false);
            DataFolder.WritePrivate(redis.ConfigPath, string.Join('\n',
                "bind 127.0.0.1",
                $"dir {redis.DataDirectory}",
                "daemonize no",
                "protected-mode yes",
                $"requirepass {secret}",
                "appendonly yes",
                "appendfsync everysec",
                "save \"\"",
                "logfile \"\"",
                ""));
        });

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, ct) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException("Connection string is unavailable"), name: healthCheckKey);
        StartupHealthCheck.Wrap(builder.Services, healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(name: RedisResource.PrimaryEndpointName, scheme: "redis", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add(redis.ConfigPath);
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(healthCheckKey);
    }
}
