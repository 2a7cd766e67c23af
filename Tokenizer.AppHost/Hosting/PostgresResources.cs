using Npgsql;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// A PostgreSQL server: our own cluster in &lt;data&gt;/postgres, run as the unprivileged postgres user (the server
/// refuses root), or an existing server from <c>ConnectionStrings:{name}</c>.
/// </summary>
public sealed class PostgresServerResource(string name, string binDirectory, string? existingConnectionString)
    : Resource(name), IResourceWithConnectionString
{
    public const string SystemUser = "postgres";
    private const string UserName = "tokenizer";

    private string? _password;

    public string BinDirectory { get; } = binDirectory;

    public bool IsExternal => existingConnectionString is not null;

    public override IReadOnlyList<PortRequest> PortRequests => IsExternal ? [] : [new PortRequest("tcp")];

    public override string? DisplayEndpoint => IsExternal
        ? $"existing {new NpgsqlConnectionStringBuilder(existingConnectionString).Host}:{new NpgsqlConnectionStringBuilder(existingConnectionString).Port}"
        : Ports.TryGetValue("tcp", out var port) ? $"127.0.0.1:{port}" : null;

    public string GetConnectionString() => existingConnectionString ?? new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Ports["tcp"],
        Username = UserName,
        Password = _password ?? throw new InvalidOperationException("The postgres password is not known before start."),
    }.ConnectionString;

    public string GetDatabaseConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(GetConnectionString()) { Database = database }.ConnectionString;

    public override IEnumerable<Prerequisite> GetPrerequisites() => IsExternal
        ? []
        :
        [
            new Prerequisite("PostgreSQL initdb", Path.Combine(BinDirectory, "initdb"), Prerequisites.AptHint),
            new Prerequisite("PostgreSQL server", Path.Combine(BinDirectory, "postgres"), Prerequisites.AptHint),
            new Prerequisite("setpriv (util-linux)", "/usr/bin/setpriv", "sudo apt-get install -y util-linux"),
        ];

    public override async Task StartAsync(HostingContext context, CancellationToken cancellationToken)
    {
        if (IsExternal)
        {
            return;
        }

        _password = context.Data.GetOrCreateSecret("postgres.password");
        var dir = context.Data.ResourceDirectory(Name);
        LogPath = context.Data.LogPath(Name);
        var asPostgres = new List<string> { $"--reuid={SystemUser}", $"--regid={SystemUser}", "--init-groups", "--" };

        if (!File.Exists(Path.Combine(dir, "PG_VERSION")))
        {
            await InitializeClusterAsync(context, dir, asPostgres, cancellationToken);
        }

        Process = context.StartProcess(new ProcessSpec
        {
            Name = Name,
            FileName = "/usr/bin/setpriv",
            Arguments =
            [
                .. asPostgres, Path.Combine(BinDirectory, "postgres"), "-D", dir, "-p", Ports["tcp"].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200",
            ],
            LogPath = LogPath,
            WorkingDirectory = dir,
            Marker = dir,
            // SIGTERM is "smart" shutdown, which waits for every client; SIGINT is "fast" and still clean.
            StopSignal = ManagedProcess.SigInt,
        });
    }

    private async Task InitializeClusterAsync(HostingContext context, string dir, List<string> asPostgres, CancellationToken cancellationToken)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true); // a half-made cluster from an interrupted first start
        }

        Directory.CreateDirectory(dir);
        EnsureTraversable(Path.GetDirectoryName(dir)!);
        // initdb wants an empty folder, so the password file sits beside it, readable by the postgres user only.
        var pwFile = dir + ".pwfile";
        DataFolder.WritePrivate(pwFile, _password!);
        await ChownAsync(context, [dir, pwFile], cancellationToken);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(pwFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            await context.RunToCompletionAsync(new ProcessSpec
            {
                Name = Name + "-initdb",
                FileName = "/usr/bin/setpriv",
                Arguments =
                [
                    .. asPostgres, Path.Combine(BinDirectory, "initdb"), "-D", dir, "-U", UserName, $"--pwfile={pwFile}",
                    "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
                ],
                LogPath = LogPath!,
                WorkingDirectory = dir,
                Marker = dir,
            }, TimeSpan.FromSeconds(120), cancellationToken);
        }
        finally
        {
            File.Delete(pwFile);
        }
    }

    private static async Task ChownAsync(HostingContext context, string[] paths, CancellationToken cancellationToken) =>
        await context.RunToCompletionAsync(new ProcessSpec
        {
            Name = "chown",
            FileName = "/bin/chown",
            Arguments = ["-R", $"{SystemUser}:{SystemUser}", .. paths],
            LogPath = context.Data.LogPath("postgres"),
            Marker = paths[0],
        }, TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>The postgres user must reach the data folder; say so plainly rather than let initdb fail obscurely.</summary>
    private static void EnsureTraversable(string dir)
    {
        for (var d = new DirectoryInfo(dir); d is not null; d = d.Parent)
        {
            if ((d.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                throw new DistributedApplicationException(
                    $"The postgres user cannot reach {dir}: {d.FullName} is not traversable by others (chmod o+x {d.FullName}, or use --data-dir).");
            }
        }
    }

    public override async Task<HealthStatus> CheckHealthAsync(CancellationToken cancellationToken) =>
        await PostgresHealth.CheckAsync(GetDatabaseConnectionString("postgres"), cancellationToken);
}

/// <summary>A database on a <see cref="PostgresServerResource"/>; "starting" it creates it when missing.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Parent { get; } = parent;

    public override string? DisplayEndpoint => $"{Parent.Name}/{DatabaseName}";

    public string GetConnectionString() => Parent.GetDatabaseConnectionString(DatabaseName);

    public override async Task StartAsync(HostingContext context, CancellationToken cancellationToken)
    {
        LogPath = Parent.LogPath;
        var admin = new NpgsqlConnectionStringBuilder(Parent.GetDatabaseConnectionString("postgres")) { Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", DatabaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var quoted = "\"" + DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"create database {quoted}", connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Created concurrently by someone else: the goal is met.
            }
        }
    }

    public override Task<HealthStatus> CheckHealthAsync(CancellationToken cancellationToken) =>
        PostgresHealth.CheckAsync(GetConnectionString(), cancellationToken);
}

internal static class PostgresHealth
{
    public static async Task<HealthStatus> CheckAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
        return HealthStatus.Healthy;
    }
}

public static class PostgresBuilderExtensions
{
    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var bin = builder.Configuration["Postgres:BinDirectory"] ?? DefaultBinDirectory;
        return builder.AddResource(new PostgresServerResource(name, bin, builder.Configuration.GetConnectionString(name)));
    }

    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        database.WaitsFor.Add(builder.Resource);
        return builder.ApplicationBuilder.AddResource(database);
    }
}
