namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// A RabbitMQ node run from the Debian package, private to the data folder: its own node name, ports, Mnesia,
/// configuration, plugin list (none, for a fast start) and Erlang cookie. Its port mapper (epmd) is a resource of
/// its own, so that it stops with the platform instead of living on as a daemon.
/// </summary>
public sealed class RabbitMQServerResource(string name, string command, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string DistributionEndpointName = "dist";

    public const string UserName = "tokenizer";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public string DataDirectory { get; } = dataDirectory;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}/");
}
