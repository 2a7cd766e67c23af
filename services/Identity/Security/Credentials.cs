using System.Net.Mail;
using Microsoft.AspNetCore.Identity;

namespace Tokenizer.Identity.Security;

/// <summary>Password and e-mail rules and the slow salted hash (ASP.NET Core Identity's PBKDF2 format).</summary>
public sealed class Credentials
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;
    public const int MaxEmailLength = 254;

    private static readonly object Owner = new();
    private readonly PasswordHasher<object> _hasher = new();
    // Verified against when the e-mail is unknown, so a missing account costs the same time as a wrong password.
    private readonly string _dummyHash;

    public Credentials() => _dummyHash = _hasher.HashPassword(Owner, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    public string Hash(string secret) => _hasher.HashPassword(Owner, secret);

    public bool Verify(string? hash, string secret)
    {
        var result = _hasher.VerifyHashedPassword(Owner, hash ?? _dummyHash, secret);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }

    public static string? PasswordError(string? password) => password switch
    {
        null => "password is required",
        { Length: < MinPasswordLength } => $"password must be at least {MinPasswordLength} characters",
        { Length: > MaxPasswordLength } => $"password must be at most {MaxPasswordLength} characters",
        _ => null,
    };

    /// <summary>The e-mail as it will be stored (trimmed), or null with a reason.</summary>
    public static string? NormalizeEmail(string? email, out string error)
    {
        error = "";
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = "email is required";
            return null;
        }
        if (trimmed.Length > MaxEmailLength
            || !MailAddress.TryCreate(trimmed, out var parsed)
            || parsed.Address != trimmed
            || !string.IsNullOrEmpty(parsed.DisplayName)
            || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            || !parsed.Host.Contains('.', StringComparison.Ordinal)
            || parsed.Host.StartsWith('.') || parsed.Host.EndsWith('.'))
        {
            error = "email is not a valid e-mail address";
            return null;
        }
        return trimmed;
    }
}
