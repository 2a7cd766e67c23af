using Microsoft.Extensions.Options;
using Tokenizer.Identity.Data;

namespace Tokenizer.Identity.Security;

/// <summary>What Identity does once, after migrations and before taking traffic.</summary>
public static partial class StartupTasks
{
    /// <summary>
    /// Makes sure a signing key exists and creates the configured operator clients. In Development, with none
    /// configured, that is <c>tokenizer-operator</c> / <c>dev-operator-secret</c>. Anywhere else the service refuses
    /// to start while that default secret is configured or still works for the stored client.
    /// </summary>
    public static async Task PrepareIdentityAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        var services = app.Services;
        var options = services.GetRequiredService<IOptions<IdentityOptions>>().Value;
        var clients = services.GetRequiredService<OperatorClientStore>();
        var credentials = services.GetRequiredService<Credentials>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Tokenizer.Identity.Startup");
        var development = app.Environment.IsDevelopment();

        var configured = options.OperatorClients.ToList();
        if (!development)
        {
            if (configured.Any(c => c.Secret == IdentityOptions.DevOperatorSecret))
            {
                throw new InvalidOperationException(
                    $"The Development operator secret is configured in environment '{app.Environment.EnvironmentName}'. Configure a real secret under Identity:OperatorClients.");
            }
            var stored = await clients.FindSecretHashAsync(IdentityOptions.DevOperatorClientId, cancellationToken);
            if (stored is not null && credentials.Verify(stored, IdentityOptions.DevOperatorSecret))
            {
                throw new InvalidOperationException(
                    $"Operator client '{IdentityOptions.DevOperatorClientId}' still has the Development secret; disable it or change its secret before running in '{app.Environment.EnvironmentName}'.");
            }
        }
        else if (configured.Count == 0)
        {
            configured.Add(new OperatorClientOptions { ClientId = IdentityOptions.DevOperatorClientId, Secret = IdentityOptions.DevOperatorSecret });
        }

        foreach (var client in configured.Where(c => c.ClientId.Length > 0 && c.Secret.Length > 0))
        {
            if (await clients.CreateIfMissingAsync(client.ClientId, credentials.Hash(client.Secret), cancellationToken))
            {
                LogClientCreated(logger, client.ClientId);
            }
        }

        await services.GetRequiredService<SigningKeyStore>().EnsureCurrentAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created operator client {ClientId}")]
    private static partial void LogClientCreated(ILogger logger, string clientId);
}
