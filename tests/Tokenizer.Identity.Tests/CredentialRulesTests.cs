using Tokenizer.Identity.Security;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Tests;

public sealed class CredentialRulesTests
{
    [Theory]
    [InlineData("a@example.com", "a@example.com")]
    [InlineData("  Mixed.Case+tag@Example.COM ", "Mixed.Case+tag@Example.COM")]
    public void Valid_emails_are_kept_as_given_but_trimmed(string input, string stored) =>
        Credentials.NormalizeEmail(input, out _).Should().Be(stored);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("a@b")]
    [InlineData("a@.com")]
    [InlineData("a@example.com.")]
    [InlineData("Bob <bob@example.com>")]
    [InlineData("a b@example.com")]
    [InlineData("a@exa\u0000mple.com")]
    public void Invalid_emails_are_refused(string? input)
    {
        Credentials.NormalizeEmail(input, out var error).Should().BeNull();
        error.Should().NotBeEmpty();
    }

    [Fact]
    public void An_overlong_email_is_refused() =>
        Credentials.NormalizeEmail(new string('a', 250) + "@example.com", out _).Should().BeNull();

    [Theory]
    [InlineData(null, false)]
    [InlineData("1234567", false)]
    [InlineData("12345678", true)]
    public void Passwords_need_eight_characters(string? password, bool valid) =>
        (Credentials.PasswordError(password) is null).Should().Be(valid);

    [Fact]
    public void Passwords_are_capped_at_128_characters()
    {
        Credentials.PasswordError(new string('p', 128)).Should().BeNull();
        Credentials.PasswordError(new string('p', 129)).Should().NotBeNull();
    }

    [Fact]
    public void Hashes_are_salted_and_verify_only_the_right_password()
    {
        var credentials = new Credentials();
        var first = credentials.Hash("correct horse");
        var second = credentials.Hash("correct horse");
        first.Should().NotBe(second);
        credentials.Verify(first, "correct horse").Should().BeTrue();
        credentials.Verify(first, "wrong horse").Should().BeFalse();
        credentials.Verify(null, "correct horse").Should().BeFalse("a missing account never verifies");
    }

    [Fact]
    public void Api_keys_are_mw_plus_base64url_of_32_random_bytes()
    {
        var keys = Enumerable.Range(0, 200).Select(_ => ApiKeyFormat.Generate()).ToList();
        keys.Should().OnlyHaveUniqueItems();
        keys.Should().OnlyContain(k => k.StartsWith("mw_") && k.Length == 46 && ApiKeyFormat.IsWellFormed(k));
        ApiKeyFormat.ListedPrefix(keys[0]).Should().Be(keys[0][..10]);
        ApiKeyFormat.Hash(keys[0]).Should().HaveLength(64).And.NotContain(keys[0][3..]);
    }

    [Theory]
    [InlineData("mw_")]
    [InlineData("mw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("mx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    public void Malformed_api_keys_are_recognised(string value) => ApiKeyFormat.IsWellFormed(value).Should().BeFalse();
}
