using System.Text.Json;

namespace Tokenizer.ServiceDefaults.Authentication;

/// <summary>Who an API key belongs to, as cached in Redis and returned by Identity's introspection endpoint.</summary>
/// <param name="KeyId">The key's id.</param>
/// <param name="UserId">The owner's id.</param>
/// <param name="Email">The owner's e-mail.</param>
/// <param name="Plan">The owner's plan.</param>
/// <param name="Role">The owner's role.</param>
public sealed record ApiKeyIdentity(Guid KeyId, Guid UserId, string Email, string Plan, string Role);

/// <summary>
/// The shared Redis cache of API key look-ups, keyed by the key's hash. Only Identity writes it: entries are added
/// only where absent, and revocation overwrites the entry with a tombstone, so a look-up racing a revocation can
/// never put a revoked key back.
/// </summary>
public static class ApiKeyCache
{
    /// <summary>The value a revoked key's entry holds.</summary>
    public const string Tombstone = "revoked";

    /// <summary>The Redis key for a key hash.</summary>
    public static string Key(string keyHash) => "tokenizer:apikey:" + keyHash;

    /// <summary>Serialises an entry.</summary>
    public static string Serialize(ApiKeyIdentity identity) => JsonSerializer.Serialize(identity, JsonOptions);

    /// <summary>Reads an entry; null for a tombstone or an unreadable value.</summary>
    public static ApiKeyIdentity? Deserialize(string value)
    {
        if (value == Tombstone)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<ApiKeyIdentity>(value, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>JSON settings for entries and the introspection endpoint.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
