namespace Tokenizer.AppHost.Hosting;

/// <summary>A Redis server run from the Debian binary, with its append-only file in the data folder.</summary>
public sealed class RedisResource(string name, string command, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The server's configuration file (0600: it holds the password, which the command line would show).</summary>
    public string ConfigPath => Path.Combine(DataDirectory, "redis.conf");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}
