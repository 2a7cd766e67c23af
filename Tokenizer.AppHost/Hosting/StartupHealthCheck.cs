using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// Until a server has answered once, its check keeps asking every <see cref="PollInterval"/> for up to
/// <see cref="StartupWindow"/> before it reports. Aspire's monitor polls an unhealthy resource with a step that grows
/// to 5 s, so a server that takes 7 s to boot would otherwise release its dependants up to 5 s late. Once healthy,
/// each check is a single question, so a server that dies is reported at the next poll as before.
/// </summary>
internal sealed class StartupHealthCheck(IHealthCheck inner) : IHealthCheck
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StartupWindow = TimeSpan.FromSeconds(10);

    private volatile bool _answeredOnce;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + StartupWindow;
        while (true)
        {
            var result = await inner.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
            if (result.Status == HealthStatus.Healthy)
            {
                _answeredOnce = true;
                return result;
            }

            if (_answeredOnce || DateTime.UtcNow + PollInterval > deadline)
            {
                return result;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Wraps the check registered under <paramref name="key"/>.</summary>
    public static void Wrap(IServiceCollection services, string key) =>
        services.Configure<HealthCheckServiceOptions>(options =>
        {
            var registration = options.Registrations.Single(r => r.Name == key);
            var factory = registration.Factory;
            registration.Factory = sp => new StartupHealthCheck(factory(sp));
        });
}
