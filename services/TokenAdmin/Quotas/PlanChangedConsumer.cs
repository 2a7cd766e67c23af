using MassTransit;
using Npgsql;
using Tokenizer.Messages.Identity;

namespace Tokenizer.TokenAdmin.Quotas;

/// <summary>Applies a plan change to the account's quota at once.</summary>
public sealed class PlanChangedConsumer(NpgsqlDataSource dataSource, QuotaStore quotas) : IConsumer<PlanChanged>
{
    public Task Consume(ConsumeContext<PlanChanged> context) =>
        PlanUpdate.ApplyAsync(dataSource, quotas, nameof(PlanChangedConsumer), context.MessageId,
            context.Message.UserId, context.Message.NewPlan, context.Message.ChangedAt, context.CancellationToken);
}
