using Microsoft.Extensions.Configuration;

namespace Tokenizer.ServiceDefaults;

/// <summary>
/// Names under which the AppHost (ours or .NET Aspire) passes connections: <c>ConnectionStrings__{name}</c>
/// for servers and <c>services__{name}__http__0</c> for other services. They match the AppHost's resource names.
/// </summary>
public static class ConnectionNames
{
    /// <summary>Shared Redis (caches, rate limits, status snapshot).</summary>
    public const string Redis = "redis";
    /// <summary>RabbitMQ broker, as an <c>amqp://</c> URI.</summary>
    public const string RabbitMq = "rabbitmq";
    /// <summary>The chain JSON-RPC endpoint (anvil locally), as an <c>http(s)://</c> URL.</summary>
    public const string Chain = "chain";
    /// <summary>Identity's own database.</summary>
    public const string IdentityDb = "identitydb";
    /// <summary>TokenAdmin's own database.</summary>
    public const string TokenAdminDb = "tokenadmindb";
    /// <summary>LedgerData's own database.</summary>
    public const string LedgerDataDb = "ledgerdatadb";
    /// <summary>Monitor's own database.</summary>
    public const string MonitorDb = "monitordb";

    /// <summary>Service names for service discovery (<c>http://identity</c> and so on).</summary>
    public static class Services
    {
        /// <summary>The Identity service.</summary>
        public const string Identity = "identity";
        /// <summary>The TokenAdmin service.</summary>
        public const string TokenAdmin = "tokenadmin";
        /// <summary>The LedgerData service.</summary>
        public const string LedgerData = "ledgerdata";
        /// <summary>The Monitor service.</summary>
        public const string Monitor = "monitor";
        /// <summary>Every backend service the gateway fronts.</summary>
        public static readonly string[] All = [Identity, TokenAdmin, LedgerData, Monitor];
    }

    /// <summary>Reads a required connection string, failing start-up with a message that names it.</summary>
    public static string Require(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string '{name}' is not configured. Set ConnectionStrings__{name} (the AppHost does this for local runs).");
}
