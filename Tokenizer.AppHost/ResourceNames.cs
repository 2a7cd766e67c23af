namespace Tokenizer.AppHost;

/// <summary>
/// Resource names of the topology. Services read their connections under these names
/// (<c>ConnectionStrings__identitydb</c>, <c>services__identity__http__0</c>, ...).
/// </summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string IdentityDb = "identitydb";
    public const string TokenAdminDb = "tokenadmindb";
    public const string LedgerDataDb = "ledgerdatadb";
    public const string MonitorDb = "monitordb";
    public const string Redis = "redis";
    public const string RabbitMq = "rabbitmq";
    public const string Chain = "chain";

    public const string Identity = "identity";
    public const string TokenAdmin = "tokenadmin";
    public const string LedgerData = "ledgerdata";
    public const string Monitor = "monitor";
    public const string Gateway = "gateway";
}
