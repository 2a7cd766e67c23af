namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// A PostgreSQL server run from the Debian binaries as an executable, with its cluster in the data folder. Run as
/// the unprivileged <c>postgres</c> user when the AppHost is root: the server refuses to run as root.
/// </summary>
public sealed class PostgresServerResource(string name, string command, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    /// <summary>The role initdb creates; the password is <see cref="PasswordParameter"/>.</summary>
    public const string UserName = "tokenizer";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The cluster's folder (PGDATA).</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>Databases to create once the server is ready: resource name to database name.</summary>
    public Dictionary<string, string> Databases { get; } = new(StringComparer.Ordinal);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}
