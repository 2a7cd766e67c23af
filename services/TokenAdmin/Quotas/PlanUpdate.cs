using Npgsql;
using Tokenizer.ServiceDefaults.Messaging;

namespace Tokenizer.TokenAdmin.Quotas;

internal static class PlanUpdate
{
    public static async Task ApplyAsync(NpgsqlDataSource dataSource, QuotaStore quotas, string consumer, Guid? messageId,
        Guid userId, string plan, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (messageId is { } id && !await Outbox.TryRecordInboxAsync(connection, transaction, consumer, id, ct))
        {
            return;
        }
        await quotas.SetPlanAsync(connection, transaction, userId, plan, at, ct);
        await transaction.CommitAsync(ct);
    }
}
