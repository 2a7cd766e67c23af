using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Tokenizer.ServiceDefaults;
using Tokenizer.ServiceDefaults.Messaging;

namespace Microsoft.Extensions.Hosting;

/// <summary>RabbitMQ (MassTransit) and Redis wiring shared by the services.</summary>
public static class MessagingExtensions
{
    /// <summary>
    /// Adds a MassTransit bus on the RabbitMQ broker at <c>ConnectionStrings:rabbitmq</c> (an <c>amqp://</c> URI, as
    /// Aspire passes it). Queues are named per service (<c>identity-user-registered</c>), so two services
    /// consuming one event each get their own copy. The bus health check joins readiness.
    /// </summary>
    public static TBuilder AddServiceBus<TBuilder>(this TBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        var uri = new Uri(ConnectionNames.Require(builder.Configuration, ConnectionNames.RabbitMq));
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var userInfo = uri.UserInfo.Split(':', 2);
                var virtualHost = uri.AbsolutePath is "/" or "" ? "/" : Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
                rabbit.Host(uri.Host, (ushort)(uri.IsDefaultPort ? 5672 : uri.Port), virtualHost, host =>
                {
                    if (userInfo.Length == 2)
                    {
                        host.Username(Uri.UnescapeDataString(userInfo[0]));
                        host.Password(Uri.UnescapeDataString(userInfo[1]));
                    }
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// Publishes what services enqueue with <see cref="Tokenizer.ServiceDefaults.Messaging.Outbox"/>. Needs
    /// <c>AddServiceDatabase</c> and <c>AddServiceBus</c>.
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <param name="configure">Optional: which message types may be published out of order (<see cref="OutboxOptions"/>).</param>
    public static TBuilder AddTransactionalOutbox<TBuilder>(this TBuilder builder, Action<OutboxOptions>? configure = null) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<OutboxOptions>(options => configure?.Invoke(options));
        builder.Services.AddHostedService<Tokenizer.ServiceDefaults.Messaging.OutboxDispatcher>();
        return builder;
    }
}
