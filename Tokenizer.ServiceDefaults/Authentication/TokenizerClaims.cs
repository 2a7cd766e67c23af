namespace Tokenizer.ServiceDefaults.Authentication;

/// <summary>Claim types, roles, policy names and the audience every Tokenizer service shares.</summary>
public static class TokenizerClaims
{
    /// <summary>The user id (or, for an operator client, the client id).</summary>
    public const string Subject = "sub";
    /// <summary>The account's e-mail.</summary>
    public const string Email = "email";
    /// <summary>BASIC, PRO or PRO_PLUS.</summary>
    public const string Plan = "plan";
    /// <summary><see cref="Roles.User"/> or <see cref="Roles.Operator"/>.</summary>
    public const string Role = "role";
    /// <summary>The API key id, present when the caller authenticated with an API key.</summary>
    public const string ApiKeyId = "api_key_id";
    /// <summary>The OAuth client id, present on client-credentials tokens.</summary>
    public const string ClientId = "client_id";

    /// <summary>The audience of every access token Identity issues.</summary>
    public const string Audience = "tokenizer-api";

    /// <summary>Role names.</summary>
    public static class Roles
    {
        /// <summary>A self-service account.</summary>
        public const string User = "user";
        /// <summary>An operator account or operator client.</summary>
        public const string Operator = "operator";
    }

    /// <summary>Authorization policy names, as used on endpoints and on the gateway's routes.</summary>
    public static class Policies
    {
        /// <summary>Any authenticated user or operator (JWT or API key).</summary>
        public const string User = "user";
        /// <summary>Operators only.</summary>
        public const string Operator = "operator";
    }

    /// <summary>Plan names.</summary>
    public static class Plans
    {
        /// <summary>The default plan.</summary>
        public const string Basic = "BASIC";
        /// <summary>The middle plan.</summary>
        public const string Pro = "PRO";
        /// <summary>The top plan.</summary>
        public const string ProPlus = "PRO_PLUS";
        /// <summary>Every plan, in order.</summary>
        public static readonly string[] All = [Basic, Pro, ProPlus];
    }
}
