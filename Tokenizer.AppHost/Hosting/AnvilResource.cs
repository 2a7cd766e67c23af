namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// A local anvil chain whose state lives in the data folder (loaded at start, dumped periodically and at exit), so
/// a restart keeps the chain consistent with the databases.
/// </summary>
public sealed class AnvilResource(string name, string command, string dataDirectory)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "http";

    public const long ChainId = 31337;

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public string StatePath => Path.Combine(WorkingDirectory, "state.json");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"http://{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
