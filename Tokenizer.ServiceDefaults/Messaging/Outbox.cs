using System.Diagnostics;
using System.Text.Json;
using Npgsql;

namespace Tokenizer.ServiceDefaults.Messaging;

/// <summary>
/// The transactional outbox: a message is stored in the service's own database in the same transaction as the
/// change it announces, and <see cref="OutboxDispatcher"/> publishes it to RabbitMQ after commit. Nothing is
/// published for a rolled-back change, and nothing committed is lost if the broker or the process is down.
/// </summary>
public static class Outbox
{
    internal const string Channel = "tokenizer_outbox";

    /// <summary>The activity source of the outbox's publish spans.</summary>
    internal static readonly ActivitySource ActivitySource = new(TokenizerTelemetry.MeterPrefix + "Outbox");

    /// <summary>Serializer settings shared by the writer and the dispatcher.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores <paramref name="message"/> for publication when <paramref name="transaction"/> commits.
    /// Returns the message id, which becomes the MassTransit MessageId consumers deduplicate on.
    /// </summary>
    public static async Task<Guid> EnqueueAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, T message, CancellationToken cancellationToken = default)
        where T : class
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var messageId = Add(batch, message);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return messageId;
    }

    /// <summary>
    /// Adds the statements that store <paramref name="message"/> to <paramref name="batch"/>, so a write and its messages
    /// reach the database in one round trip; they publish when the batch's transaction commits. Returns the message id.
    /// </summary>
    public static Guid Add<T>(NpgsqlBatch batch, T message)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(batch);
        var messageId = Guid.CreateVersion7();
        var insert = new NpgsqlBatchCommand("insert into outbox_messages (message_id, message_type, body, trace_parent) values ($1, $2, $3, $4)");
        insert.Parameters.Add(new NpgsqlParameter { Value = messageId });
        insert.Parameters.Add(new NpgsqlParameter { Value = TypeName(typeof(T)) });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(message, JsonOptions) });
        // The publish happens later on another task: the W3C trace context travels with the row, so the request
        // that wrote it, the publish and every consumer show as one trace.
        insert.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text,
            Value = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : DBNull.Value,
        });
        batch.BatchCommands.Add(insert);
        var notify = new NpgsqlBatchCommand("select pg_notify($1, '')");
        notify.Parameters.Add(new NpgsqlParameter { Value = Channel });
        batch.BatchCommands.Add(notify);
        return messageId;
    }

    /// <summary>
    /// Records that <paramref name="consumer"/> handled <paramref name="messageId"/>, in the consumer's transaction.
    /// False means it was handled before: the consumer must skip its effect.
    /// </summary>
    public static async Task<bool> TryRecordInboxAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string consumer, Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(
            "insert into inbox_messages (consumer, message_id) values (@consumer, @id) on conflict do nothing", connection, transaction);
        command.Parameters.AddWithValue("consumer", consumer);
        command.Parameters.AddWithValue("id", messageId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
