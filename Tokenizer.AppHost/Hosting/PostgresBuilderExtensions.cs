using System.Globalization;
using HealthChecks.NpgSql;
using Npgsql;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// <c>AddPostgres(...).AddDatabase(...)</c> as in Aspire.Hosting.PostgreSQL, with the server run from its Debian
/// binaries instead of a container image.
/// </summary>
public static class PostgresBuilderExtensions
{
    /// <summary>
    /// Runs PostgreSQL as an executable with its cluster in <c>&lt;data&gt;/{name}</c>: a one-shot <c>{name}-init</c>
    /// resource makes the cluster (initdb) on first start, and the server waits for it to complete.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var bin = ServerBinaries.PostgresBinDirectory(builder.Configuration);
        ServerBinaries.Require("PostgreSQL server", Path.Combine(bin, "postgres"), ServerBinaries.AptHint);
        ServerBinaries.Require("PostgreSQL initdb", Path.Combine(bin, "initdb"), ServerBinaries.AptHint);
        var asRoot = Environment.IsPrivilegedProcess;
        if (asRoot)
        {
            ServerBinaries.Require("setpriv (util-linux)", "/usr/bin/setpriv", "sudo apt-get install -y util-linux");
        }

        var data = DataFolder.For(builder);
        var password = data.AddSecretParameter(builder, $"{name}-password");
        var pgdata = Path.Combine(data.Root, name);

        // initdb wants an empty folder that the postgres user owns, and a password file it can read: a short
        // script keeps each step visible in the init resource's console log.
        var init = builder.AddExecutable($"{name}-init", "/bin/sh", data.Root, "-c", InitScript)
            .WithEnvironment("PGDATA", pgdata)
            .WithEnvironment("PGBIN", bin)
            .WithEnvironment("PGUSER_NAME", PostgresServerResource.UserName)
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithEnvironment("RUN_AS_POSTGRES", asRoot ? "1" : "0");

        var server = new PostgresServerResource(name, asRoot ? "/usr/bin/setpriv" : Path.Combine(bin, "postgres"), pgdata, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (_, ct) =>
            await CreateDatabasesAsync(AdminConnectionString(connectionString), server.Databases.Values, ct).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => AdminConnectionString(connectionString), name: healthCheckKey);
        StartupHealthCheck.Wrap(builder.Services, healthCheckKey);

        init.WithParentRelationship(server);
        return builder.AddResource(server)
            .WithEndpoint(name: PostgresServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                if (asRoot)
                {
                    context.Args.Add("--reuid=postgres");
                    context.Args.Add("--regid=postgres");
                    context.Args.Add("--init-groups");
                    context.Args.Add("--");
                    context.Args.Add(Path.Combine(bin, "postgres"));
                }

                context.Args.Add("-D");
                context.Args.Add(pgdata);
                context.Args.Add("-p");
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                foreach (var setting in new[] { "listen_addresses=127.0.0.1", "unix_socket_directories=", "max_connections=200" })
                {
                    context.Args.Add("-c");
                    context.Args.Add(setting);
                }
            })
            .WaitForCompletion(init)
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>A database on the AppHost's own server, created when the server is ready.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.Databases[name] = database.DatabaseName;
        return AddDatabaseResource(builder.ApplicationBuilder, database);
    }

    /// <summary>
    /// A database on a configured server (<c>ConnectionStrings:{name}</c>, through <c>AddConnectionString</c>): a
    /// connection string of its own, the server's with <c>Database={databaseName}</c>. It is created before anything
    /// starts when it is missing: the server is someone else's and must already be up.
    /// </summary>
    public static IResourceBuilder<ConnectionStringResource> AddDatabase(this IResourceBuilder<IResourceWithConnectionString> builder, [ResourceName] string name, string? databaseName = null)
    {
        var database = databaseName ?? name;
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>(async (_, ct) =>
        {
            var server = await builder.Resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false);
            try
            {
                await CreateDatabasesAsync(AdminConnectionString(server), [database], ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException)
            {
                throw new DistributedApplicationException(
                    $"The configured PostgreSQL server '{builder.Resource.Name}' could not create database '{database}': {e.Message}", e);
            }
        });
        return builder.ApplicationBuilder.AddConnectionString(name, ReferenceExpression.Create($"{builder.Resource};Database={database}"));
    }

    private static IResourceBuilder<PostgresDatabaseResource> AddDatabaseResource(IDistributedApplicationBuilder builder, PostgresDatabaseResource database)
    {
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, ct) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        // DCP runs the server, not the database: Aspire gives a child the state of a container parent only, so the
        // database follows its server's state here, and its own health check then says when it can be used.
        builder.Eventing.Subscribe<InitializeResourceEvent>(database, (@event, ct) =>
        {
            _ = Task.Run(() => FollowParentStateAsync(database, @event.Notifications, ct), ct);
            return Task.CompletedTask;
        });

        var healthCheckKey = $"{database.Name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => Unpooled(connectionString), name: healthCheckKey);
        StartupHealthCheck.Wrap(builder.Services, healthCheckKey);
        return builder.AddResource(database).WithHealthCheck(healthCheckKey);
    }

    private static async Task FollowParentStateAsync(PostgresDatabaseResource database, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (ReferenceEquals(update.Resource, database.Parent) && update.Snapshot.State is { } state)
                {
                    await notifications.PublishUpdateAsync(database, s => s with
                    {
                        State = state,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                        ExitCode = update.Snapshot.ExitCode,
                    }).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }
    }

    private static string AdminConnectionString(string? server) =>
        Unpooled(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);

    // The AppHost's own connections are never pooled: an idle pooled connection would keep PostgreSQL's smart
    // shutdown waiting past DCP's stop timeout, and the server would be killed instead of stopping cleanly.
    private static string Unpooled(string? connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString ?? throw new InvalidOperationException("The connection string is not available yet."))
        {
            Pooling = false,
            Timeout = 3,
        }.ConnectionString;

    private static async Task CreateDatabasesAsync(string adminConnectionString, IEnumerable<string> databases, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var database in databases)
        {
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture, $"create database {quoted}"), connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Created concurrently by another AppHost on the same server: the goal is met.
            }
        }
    }

    private const string InitScript = """
        set -eu
        if [ -f "$PGDATA/PG_VERSION" ]; then echo "cluster in $PGDATA is ready"; exit 0; fi
        run=""
        if [ "$RUN_AS_POSTGRES" = 1 ]; then
          run="setpriv --reuid=postgres --regid=postgres --init-groups --"
          if ! $run test -x "$(dirname "$PGDATA")"; then
            echo "the postgres user cannot reach $(dirname "$PGDATA"): make every folder above it traversable (chmod o+x) or use --data-dir" >&2
            exit 1
          fi
        fi
        # A half-made cluster from an interrupted first start is made again.
        rm -rf "$PGDATA"
        umask 077
        mkdir -p "$PGDATA"
        pwfile="$PGDATA.pwfile"
        trap 'rm -f "$pwfile"' EXIT
        printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
        if [ "$RUN_AS_POSTGRES" = 1 ]; then chown postgres:postgres "$PGDATA" "$pwfile"; fi
        $run "$PGBIN/initdb" -D "$PGDATA" -U "$PGUSER_NAME" --pwfile="$pwfile" --auth=scram-sha-256 \
          --encoding=UTF8 --locale=C.UTF-8 --no-sync --no-instructions
        """;
}
