using MassTransit;
using Npgsql;
using Tokenizer.Messages.Identity;

namespace Tokenizer.TokenAdmin.Quotas;

/// <summary>Keeps TokenAdmin's copy of a new account's plan.</summary>
public sealed class UserRegisteredConsumer(NpgsqlDataSource dataSource, QuotaStore quotas) : IConsumer<UserRegistered>
{
    public Task Consume(ConsumeContext<UserRegistered> context) =>
        PlanUpdate.ApplyAsync(dataSource, quotas, nameof(UserRegisteredConsumer), context.MessageId,
            context.Message.UserId, context.Message.Plan, context.Message.RegisteredAt, context.CancellationToken);
}
